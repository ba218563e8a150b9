/**
 * Merging an accepted amendment into the proposal: the passage between two ProseMirror-style
 * positions of the `Y.XmlFragment("prosemirror")` is replaced by plain text, inside whatever
 * Yjs transaction the caller opened (so every client receives it as one update).
 *
 * Choices, so the merge never loses text outside the passage and never breaks the schema:
 * - the new text goes where the passage begins, with the formatting of the character before;
 * - a passage spanning several blocks is cut out of each block; blocks lying wholly inside it
 *   are removed; the blocks at either end keep what lies outside the passage (they are not
 *   joined, as joining a paragraph with a list item would need schema knowledge);
 * - line breaks in the new text become spaces (the amendment replaces a passage of text; a new
 *   paragraph is a job for the editor).
 */
import * as Y from 'yjs';
import { PROPOSAL_FRAGMENT } from '$lib/protocol';
import { LEAVES, sizeOf } from './anchors';

type Node = Y.XmlElement | Y.XmlText;

interface Piece {
	node: Node;
	parent: Y.XmlElement | Y.XmlFragment;
	start: number;
	size: number;
}

/** Every node with its position, outermost first; text nodes and leaves are not entered. */
function pieces(root: Y.XmlFragment): Piece[] {
	const out: Piece[] = [];
	const walk = (parent: Y.XmlElement | Y.XmlFragment, start: number) => {
		let pos = start;
		for (const child of parent.toArray() as Node[]) {
			const size = sizeOf(child);
			out.push({ node: child, parent, start: pos, size });
			if (child instanceof Y.XmlElement && !LEAVES.has(child.nodeName)) walk(child, pos + 1);
			pos += size;
		}
	};
	walk(root, 0);
	return out;
}

const within = (p: Piece, from: number, to: number) => p.start >= from && p.start + p.size <= to;

function removeNode(p: Piece) {
	const index = (p.parent.toArray() as Node[]).indexOf(p.node);
	if (index >= 0) p.parent.delete(index, 1);
}

/** Replaces the passage [from, to) with `text`. Throws when the passage holds no text. */
export function replacePassage(doc: Y.Doc, from: number, to: number, text: string): void {
	if (!(to > from)) throw new RangeError('empty passage');
	const insert = text.replace(/\r\n|\r|\n/g, ' ');
	const root = doc.getXmlFragment(PROPOSAL_FRAGMENT);
	const all = pieces(root);
	// Nodes wholly inside the passage go, outermost only (their content goes with them). A
	// text node is kept when the new text must go into it.
	const texts = all.filter(
		(p) => p.node instanceof Y.XmlText && p.start < to && p.start + p.size >= from
	);
	const first = texts.find((p) => p.start <= from && from <= p.start + p.size) ?? texts[0];
	if (!first) throw new RangeError('no text in passage');
	const removed = new Set<Piece>();
	const isUnderRemoved = (p: Piece) => {
		for (const r of removed) {
			if (
				r.node instanceof Y.XmlElement &&
				p.start > r.start &&
				p.start + p.size <= r.start + r.size
			)
				return true;
		}
		return false;
	};
	for (const p of all) {
		if (p === first || isUnderRemoved(p)) continue;
		// An element holding the first text node must stay.
		if (p.node instanceof Y.XmlElement && p.start < first.start && first.start < p.start + p.size)
			continue;
		if (p.size > 0 && within(p, from, to)) removed.add(p);
	}
	// Partial cuts in text nodes that stay.
	const cuts: { node: Y.XmlText; index: number; length: number }[] = [];
	for (const p of texts) {
		if (removed.has(p) || isUnderRemoved(p)) continue;
		const a = Math.max(from, p.start) - p.start;
		const b = Math.min(to, p.start + p.size) - p.start;
		if (b > a) cuts.push({ node: p.node as Y.XmlText, index: a, length: b - a });
	}
	const at = Math.max(0, Math.min(first.size, from - first.start));
	for (const cut of cuts) cut.node.delete(cut.index, cut.length);
	for (const p of [...removed].reverse()) removeNode(p);
	if (insert.length > 0) (first.node as Y.XmlText).insert(at, insert);
}
