/**
 * Between editor positions and Yjs relative positions, through y-prosemirror's own mapping:
 * anchors stay on their passage while others edit around it (REFERENCE.md §6).
 */
import type { EditorState } from '@tiptap/pm/state';
import {
	absolutePositionToRelativePosition,
	relativePositionToAbsolutePosition,
	ySyncPluginKey
} from 'y-prosemirror';
import * as Y from 'yjs';
import { anchorJson } from '$lib/anchors';
import type { PassageDraft } from './types';

interface Binding {
	doc: Y.Doc;
	type: Y.XmlFragment;
	mapping: Map<unknown, unknown>;
}

function bindingOf(state: EditorState): Binding | null {
	return (ySyncPluginKey.getState(state)?.binding as Binding | undefined) ?? null;
}

/**
 * Where a relative position (as stored in an anchor's JSON) is now in the editor, or null when
 * the binding has not mapped the document yet or the passage is gone.
 */
export function placeOf(state: EditorState): ((json: unknown) => number | null) | null {
	const binding = bindingOf(state);
	if (!binding?.mapping) return null;
	return (json) =>
		relativePositionToAbsolutePosition(
			binding.doc,
			binding.type,
			Y.createRelativePositionFromJSON(json),
			binding.mapping as never
		);
}

/** The selection as an anchor (y-prosemirror positions, the end stuck to the passage). */
export function draftOf(state: EditorState): PassageDraft | null {
	const { from, to, empty } = state.selection;
	const binding = bindingOf(state);
	if (empty || !binding?.mapping) return null;
	const quote = state.doc.textBetween(from, to, '\n').trim();
	if (!quote) return null;
	const mapping = binding.mapping as never;
	return {
		anchor: anchorJson(
			binding.doc,
			absolutePositionToRelativePosition(from, binding.type, mapping),
			absolutePositionToRelativePosition(to, binding.type, mapping)
		),
		quote
	};
}
