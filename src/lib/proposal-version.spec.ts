import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { proposalVersion } from './proposal-render';
import { deletionsOnly, fromBase64, unchangedSince } from './proposal-version';

/** A proposal written by two people, with some text deleted (so the delete set is not empty). */
function proposal(): Y.Doc {
	const doc = new Y.Doc();
	const fragment = doc.getXmlFragment('prosemirror');
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText('第一条　电梯装在北侧，费用按楼层分摊。')]);
	fragment.insert(0, [p]);
	const other = new Y.Doc();
	Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
	const q = new Y.XmlElement('paragraph');
	q.insert(0, [new Y.XmlText('第二条　施工期间保留一部电梯。')]);
	other.getXmlFragment('prosemirror').insert(1, [q]);
	Y.applyUpdate(doc, Y.encodeStateAsUpdate(other));
	(p.get(0) as Y.XmlText).delete(5, 4);
	return doc;
}

/** What the server answers a reader's sync step 1 with that state vector (realtime/ydoc.ts). */
const answer = (doc: Y.Doc, stateVector: string) =>
	Y.encodeStateAsUpdate(doc, fromBase64(stateVector));

describe('a reader downloads Yjs only once the proposal changed since its first paint', () => {
	it('sees no change when the live document is the one rendered, stored or in memory', () => {
		const doc = proposal();
		const rendered = proposalVersion(Y.encodeStateAsUpdate(doc));
		expect(unchangedSince(fromBase64(rendered.unchanged), answer(doc, rendered.stateVector))).toBe(
			true
		);
		// The same text loaded again from its stored updates (another node, after an unload).
		const reloaded = new Y.Doc();
		Y.applyUpdate(reloaded, Y.mergeUpdates([Y.encodeStateAsUpdate(doc), new Uint8Array([0, 0])]));
		expect(
			unchangedSince(fromBase64(rendered.unchanged), answer(reloaded, rendered.stateVector))
		).toBe(true);
	});

	it('sees text typed after the first paint', () => {
		const doc = proposal();
		const rendered = proposalVersion(Y.encodeStateAsUpdate(doc));
		const first = doc.getXmlFragment('prosemirror').get(0) as Y.XmlElement;
		(first.get(0) as Y.XmlText).insert(0, '新');
		expect(unchangedSince(fromBase64(rendered.unchanged), answer(doc, rendered.stateVector))).toBe(
			false
		);
	});

	it('sees text deleted after the first paint, though nothing was added', () => {
		const doc = proposal();
		const rendered = proposalVersion(Y.encodeStateAsUpdate(doc));
		const second = doc.getXmlFragment('prosemirror').get(1) as Y.XmlElement;
		(second.get(0) as Y.XmlText).delete(0, 3);
		expect(unchangedSince(fromBase64(rendered.unchanged), answer(doc, rendered.stateVector))).toBe(
			false
		);
	});

	it('treats an empty proposal like any other and anything unreadable as a change', () => {
		const empty = new Y.Doc();
		const rendered = proposalVersion(Y.encodeStateAsUpdate(empty));
		expect(
			unchangedSince(fromBase64(rendered.unchanged), answer(empty, rendered.stateVector))
		).toBe(true);
		expect(unchangedSince(fromBase64(rendered.unchanged), new Uint8Array([0, 0, 7]))).toBe(false);
		expect(unchangedSince(fromBase64(rendered.unchanged), new Uint8Array([0x80]))).toBe(false);
		expect(deletionsOnly(new Uint8Array([1, 0]))).toBeNull();
	});

	it('compares deletions as sets of ranges, however they were split', () => {
		// One client (7) with [2, 5) written as two touching ranges, or as one.
		const split = new Uint8Array([0, 1, 7, 2, 2, 1, 3, 2]);
		const whole = new Uint8Array([0, 1, 7, 1, 2, 3]);
		expect(unchangedSince(split, whole)).toBe(true);
		expect(unchangedSince(whole, new Uint8Array([0, 1, 7, 1, 2, 4]))).toBe(false);
	});
});
