/** Comments anchored to a proposal passage (REFERENCE.md §6). */
import * as v from 'valibot';
import type { Role } from './roles';

export const STANCES = ['support', 'oppose', 'concern', 'question'] as const;
export type Stance = (typeof STANCES)[number];

export const COMMENT_MAX_CHARS = 2000;

/** One end of an anchor: `Y.relativePositionToJSON` (checked against the document later). */
const relativePosition = v.looseObject({});

export const createCommentSchema = v.object({
	text: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(COMMENT_MAX_CHARS)),
	stance: v.picklist(STANCES),
	anchor: v.optional(v.object({ start: relativePosition, end: relativePosition })),
	replyTo: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64)))
});
export type CreateCommentInput = v.InferOutput<typeof createCommentSchema>;

export const resolveCommentSchema = v.object({
	resolved: v.optional(v.boolean(), true)
});

export interface CommentView {
	id: string;
	text: string;
	stance: Stance;
	author: { name: string; role: Role };
	/** Top-level comments on a passage: both ends as `Y.relativePositionToJSON` gives them. */
	anchor?: { start: unknown; end: unknown };
	/** The passage's text now; "" once it was deleted from the proposal. */
	quote?: string;
	/** The thread's first comment, for replies. */
	replyTo?: string;
	resolved: boolean;
	at: string;
	/** Present (true) on the reader's own comments: they may resolve their threads. */
	mine?: true;
}
