/**
 * Making comment anchors in the browser (REFERENCE.md §6), shared with the tests: both ends of a
 * selection as y-prosemirror's relative positions, the end turned to stick to the passage's
 * last character. y-prosemirror makes every position stick to the character AFTER it, so
 * text typed right after a passage would otherwise join it; this way text typed at either
 * edge stays outside, text typed inside joins it.
 */
import * as Y from 'yjs';

export interface AnchorJson {
	start: unknown;
	end: unknown;
}

/** The end of a passage, bound to the character before it when it lies inside a text run. */
export function stickLeft(doc: Y.Doc, end: Y.RelativePosition): Y.RelativePosition {
	const abs = Y.createAbsolutePositionFromRelativePosition(end, doc);
	if (abs && abs.type instanceof Y.XmlText && abs.index > 0) {
		return Y.createRelativePositionFromTypeIndex(abs.type, abs.index, -1);
	}
	return end;
}

export function anchorJson(doc: Y.Doc, start: Y.RelativePosition, end: Y.RelativePosition) {
	return {
		start: Y.relativePositionToJSON(start),
		end: Y.relativePositionToJSON(stickLeft(doc, end))
	} satisfies AnchorJson;
}
