/**
 * What the room and the editor exchange about passages. Types only: the room imports them
 * without pulling ProseMirror into its bundle (CONTRACT §10: no editor code before 编辑).
 */
import type { AnchorJson } from '$lib/anchors';
import type { Stance } from '$lib/protocol';

/** A comment thread's passage, highlighted in the text. */
export interface CommentMark {
	id: string;
	anchor: AnchorJson;
	stance: Stance;
}

/** A passage the reader selected, ready to comment on. */
export interface PassageDraft {
	anchor: AnchorJson;
	quote: string;
}
