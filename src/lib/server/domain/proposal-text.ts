/**
 * The plain text of a proposal: the Y.XmlFragment('prosemirror') that y-prosemirror edits,
 * one line per block, list items bulleted. Used for checkpoints, escalations, search and the
 * printed minutes; formatting marks are dropped.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import * as Y from 'yjs';

function inline(node: Y.XmlText | Y.XmlElement): string {
	if (node instanceof Y.XmlText) {
		return (node.toDelta() as { insert: unknown }[])
			.map((d) => (typeof d.insert === 'string' ? d.insert : ''))
			.join('');
	}
	if (node.nodeName === 'hardBreak') return '\n';
	return node
		.toArray()
		.map((child) => inline(child as Y.XmlText | Y.XmlElement))
		.join('');
}

function blocks(node: Y.XmlElement | Y.XmlFragment, prefix: string, out: string[]): void {
	for (const child of node.toArray()) {
		if (child instanceof Y.XmlText) {
			out.push(prefix + inline(child));
			continue;
		}
		const el = child as Y.XmlElement;
		switch (el.nodeName) {
			case 'bulletList':
			case 'orderedList':
				el.toArray().forEach((item, i) => {
					const mark = el.nodeName === 'bulletList' ? '• ' : `${i + 1}. `;
					const lines: string[] = [];
					blocks(item as Y.XmlElement, '', lines);
					lines.forEach((line, j) => out.push(prefix + (j === 0 ? mark : '   ') + line));
				});
				break;
			case 'blockquote':
				blocks(el, `${prefix}> `, out);
				break;
			default:
				out.push(prefix + inline(el));
		}
	}
}

export function fragmentText(fragment: Y.XmlFragment): string {
	const out: string[] = [];
	blocks(fragment, '', out);
	return out.join('\n').trim();
}

/** Text and a content hash (SHA-256 of the encoded Yjs state) of a stored document state. */
export function proposalSnapshot(state: Uint8Array): { text: string; stateHash: string } {
	const doc = new Y.Doc();
	Y.applyUpdate(doc, state);
	const text = fragmentText(doc.getXmlFragment('prosemirror'));
	const stateHash = encodeHexLowerCase(sha256(Y.encodeStateAsUpdate(doc)));
	doc.destroy();
	return { text, stateHash };
}

/**
 * The first state of a proposal given as plain text (an item's `body` when a session is
 * created, REFERENCE.md §2–§3): one paragraph per line in the `Y.XmlFragment('prosemirror')`,
 * as y-prosemirror writes a ProseMirror `paragraph` node, so every editor and reader opens it.
 * Null for text with nothing to show.
 */
export function proposalFromText(text: string): Uint8Array | null {
	if (text.trim() === '') return null;
	const doc = new Y.Doc();
	const paragraphs = text
		.replace(/\r\n?/g, '\n')
		.split('\n')
		.map((line) => {
			const paragraph = new Y.XmlElement('paragraph');
			if (line !== '') paragraph.insert(0, [new Y.XmlText(line)]);
			return paragraph;
		});
	doc.getXmlFragment('prosemirror').insert(0, paragraphs);
	const update = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	return update;
}
