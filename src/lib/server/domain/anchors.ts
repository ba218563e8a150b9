/**
 * Comment anchors (REFERENCE.md §6): two Yjs relative positions, as `Y.relativePositionToJSON`
 * gives them, over the proposal's `Y.XmlFragment("prosemirror")` — made in the browser by
 * y-prosemirror's `absolutePositionToRelativePosition`. Relative positions stick to the
 * characters they were made next to, so the passage follows the text while people edit.
 *
 * This module resolves them against a document and reads the passage NOW. Positions are
 * counted the way ProseMirror counts them (and y-prosemirror maps them): a text run counts its
 * characters, an element counts 2 for its tags plus its content, a leaf node (hard break) 1.
 */
import * as Y from 'yjs';
import { PROPOSAL_FRAGMENT } from '$lib/protocol';

/** ProseMirror leaf nodes of the proposal schema (StarterKit): a size of 1, no content. */
const LEAVES = new Set(['hardBreak', 'horizontalRule', 'image']);

type Node = Y.XmlElement | Y.XmlText;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Yjs types differ only in their event type
type AnyType = Y.AbstractType<any>;

function textOf(t: Y.XmlText): string {
	return (t.toDelta() as { insert: unknown }[])
		.map((d) => (typeof d.insert === 'string' ? d.insert : ' '))
		.join('');
}

function sizeOf(node: Node): number {
	if (node instanceof Y.XmlText) return node.length;
	if (LEAVES.has(node.nodeName)) return 1;
	let size = 2;
	for (const child of node.toArray()) size += sizeOf(child as Node);
	return size;
}

function isUnder(type: AnyType, root: Y.XmlFragment): boolean {
	for (let t: AnyType | null = type; t;) {
		if (t === root) return true;
		const item = t._item;
		if (!item) return false;
		t = item.parent as AnyType | null;
	}
	return false;
}

/** Where an item (live or deleted) sits in its parent: the parent's content start + live left siblings. */
function positionOfItem(item: Y.Item, root: Y.XmlFragment): number {
	const parent = item.parent as AnyType;
	let pos = contentStart(parent, root);
	for (let left = parent._start; left && left !== item; left = left.right) {
		if (!left.deleted && left.content instanceof Y.ContentType) {
			pos += sizeOf(left.content.type as Node);
		}
	}
	return pos;
}

/** The position where a type's content begins (a deleted type collapses to where it was). */
function contentStart(type: AnyType, root: Y.XmlFragment): number {
	if (type === root) return 0;
	const item = type._item!;
	const at = positionOfItem(item, root);
	if (item.deleted) return at;
	return type instanceof Y.XmlText ? at : at + 1;
}

/** Anything that is not a relative position's JSON form: refused before Yjs sees it. */
function plausible(json: unknown): boolean {
	if (!json || typeof json !== 'object' || Array.isArray(json)) return false;
	const o = json as Record<string, unknown>;
	const isId = (v: unknown) =>
		!!v &&
		typeof v === 'object' &&
		Number.isSafeInteger((v as { client?: unknown }).client) &&
		Number.isSafeInteger((v as { clock?: unknown }).clock) &&
		(v as { client: number }).client >= 0 &&
		(v as { clock: number }).clock >= 0;
	if (o.item != null && !isId(o.item)) return false;
	if (o.type != null && !isId(o.type)) return false;
	if (o.tname != null && o.tname !== PROPOSAL_FRAGMENT) return false;
	if (o.assoc != null && !Number.isSafeInteger(o.assoc)) return false;
	return o.type != null || o.tname != null || o.item != null;
}

/**
 * The ProseMirror-style position a relative position stands for in this document, or null
 * when it does not decode, names something the document never had, or lies outside the
 * proposal's fragment.
 */
export function resolvePosition(doc: Y.Doc, json: unknown): number | null {
	if (!plausible(json)) return null;
	const root = doc.getXmlFragment(PROPOSAL_FRAGMENT);
	let abs: Y.AbsolutePosition | null;
	try {
		abs = Y.createAbsolutePositionFromRelativePosition(Y.createRelativePositionFromJSON(json), doc);
	} catch {
		return null;
	}
	if (!abs) return null;
	const type = abs.type as AnyType;
	// Deleted elements stay linked to their parent: this accepts them under our fragment only.
	if (!isUnder(type, root)) return null;
	if (type instanceof Y.XmlText) {
		return contentStart(type, root) + (type._item?.deleted ? 0 : abs.index);
	}
	if (!(type instanceof Y.XmlElement) && type !== root) return null;
	let pos = contentStart(type, root);
	if (type._item?.deleted) return pos;
	const children = (type as Y.XmlElement | Y.XmlFragment).toArray();
	for (let i = 0; i < abs.index && i < children.length; i++) pos += sizeOf(children[i] as Node);
	return pos;
}

export interface Passage {
	from: number;
	to: number;
	/** The text between the two ends, paragraphs joined by "\n"; "" when it was all deleted. */
	quote: string;
}

/** The plain text of the document between two positions, in document order. */
export function textBetween(fragment: Y.XmlFragment, from: number, to: number): string {
	const blocks: string[][] = [];
	let current: string[] | null = null;
	let currentParent: unknown = null;
	const push = (parent: unknown, piece: string) => {
		if (current === null || currentParent !== parent) {
			current = [];
			currentParent = parent;
			blocks.push(current);
		}
		current.push(piece);
	};
	const walk = (parent: Y.XmlElement | Y.XmlFragment, start: number) => {
		let pos = start;
		for (const child of parent.toArray() as Node[]) {
			const size = sizeOf(child);
			if (pos >= to) return;
			if (pos + size > from) {
				if (child instanceof Y.XmlText) {
					const text = textOf(child);
					const a = Math.max(0, from - pos);
					const b = Math.min(text.length, to - pos);
					if (b > a) push(parent, text.slice(a, b));
				} else if (LEAVES.has(child.nodeName)) {
					if (child.nodeName === 'hardBreak') push(parent, '\n');
				} else {
					walk(child, pos + 1);
				}
			}
			pos += size;
		}
	};
	walk(fragment, 0);
	return blocks.map((b) => b.join('')).join('\n');
}

/**
 * Resolves an anchor against a document: null when either end does not resolve, otherwise
 * both positions (ordered as stored: `from` may exceed `to` only for a bad anchor) and the
 * passage's text now.
 */
export function readPassage(doc: Y.Doc, anchor: { start: unknown; end: unknown }): Passage | null {
	const from = resolvePosition(doc, anchor.start);
	const to = resolvePosition(doc, anchor.end);
	if (from === null || to === null) return null;
	const quote = to > from ? textBetween(doc.getXmlFragment(PROPOSAL_FRAGMENT), from, to) : '';
	return { from, to, quote };
}

/**
 * The passage's text now for a stored comment: "" when it was deleted (its characters may be
 * garbage-collected, so the ends no longer resolve).
 */
export function quoteNow(doc: Y.Doc, anchor: { start: unknown; end: unknown }): string {
	return readPassage(doc, anchor)?.quote ?? '';
}

/** Loads a stored document state (the server's copy) for reading anchors. */
export function docFromState(state: Uint8Array): Y.Doc {
	const doc = new Y.Doc({ gc: false });
	Y.applyUpdate(doc, state);
	return doc;
}
