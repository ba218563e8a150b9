import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { replacePassage } from './amendment-merge';
import { readPassage } from './anchors';
import { fragmentText } from './proposal-text';

function docOf(...paragraphs: string[]) {
	const doc = new Y.Doc();
	doc.getXmlFragment('prosemirror').insert(
		0,
		paragraphs.map((p) => {
			const el = new Y.XmlElement('paragraph');
			el.insert(0, [new Y.XmlText(p)]);
			return el;
		})
	);
	return doc;
}

const textOf = (doc: Y.Doc, i: number) =>
	(doc.getXmlFragment('prosemirror').get(i) as Y.XmlElement).get(0) as Y.XmlText;

function anchor(doc: Y.Doc, i: number, at: number, length: number) {
	const t = textOf(doc, i);
	return {
		start: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(t, at)),
		end: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(t, at + length))
	};
}

describe('merging an amendment into the proposal', () => {
	it('[MERGE-1] replaces the passage inside one paragraph, keeping its surroundings', () => {
		const doc = docOf('第一条：费用按面积分摊。', '第二条：八点开工。');
		const p = readPassage(doc, anchor(doc, 0, 6, 3))!;
		expect(p.quote).toBe('按面积');
		doc.transact(() => replacePassage(doc, p.from, p.to, '按户数和面积'));
		expect(fragmentText(doc.getXmlFragment('prosemirror'))).toBe(
			'第一条：费用按户数和面积分摊。\n第二条：八点开工。'
		);
	});

	it('[MERGE-2] a passage across paragraphs is cut from each; the blocks at either end stay', () => {
		const doc = docOf('甲乙丙', '丁戊己', '庚辛壬');
		const start = Y.relativePositionToJSON(
			Y.createRelativePositionFromTypeIndex(textOf(doc, 0), 1)
		);
		const end = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(textOf(doc, 2), 1));
		const p = readPassage(doc, { start, end })!;
		expect(p.quote).toBe('乙丙\n丁戊己\n庚');
		doc.transact(() => replacePassage(doc, p.from, p.to, '新'));
		expect(fragmentText(doc.getXmlFragment('prosemirror'))).toBe('甲新\n辛壬');
	});

	it('[MERGE-3] an empty text deletes the passage; line breaks in the text become spaces', () => {
		const doc = docOf('保留删除保留');
		const p = readPassage(doc, anchor(doc, 0, 2, 2))!;
		doc.transact(() => replacePassage(doc, p.from, p.to, ''));
		expect(fragmentText(doc.getXmlFragment('prosemirror'))).toBe('保留保留');
		const q = readPassage(doc, anchor(doc, 0, 0, 2))!;
		doc.transact(() => replacePassage(doc, q.from, q.to, '一\n二'));
		expect(fragmentText(doc.getXmlFragment('prosemirror'))).toBe('一 二保留');
	});

	it('[MERGE-4] formatting of the character before carries into the new text', () => {
		const doc = docOf('');
		const t = textOf(doc, 0);
		t.insert(0, '加粗', { bold: true });
		t.insert(2, '普通', {});
		const p = readPassage(doc, anchor(doc, 0, 1, 1))!;
		doc.transact(() => replacePassage(doc, p.from, p.to, '重'));
		expect(t.toDelta()).toEqual([
			{ insert: '加重', attributes: { bold: true } },
			{ insert: '普通' }
		]);
	});

	it('[MERGE-5] an empty passage is refused before anything changes', () => {
		const doc = docOf('不变');
		expect(() => doc.transact(() => replacePassage(doc, 2, 2, 'x'))).toThrow(RangeError);
		expect(fragmentText(doc.getXmlFragment('prosemirror'))).toBe('不变');
	});

	it('[MERGE-6] merges in sequence: a later amendment anchored elsewhere still finds its passage', () => {
		const doc = docOf('甲方负责维修，乙方负责保洁。');
		const a = anchor(doc, 0, 0, 2);
		const b = anchor(doc, 0, 7, 2);
		const pa = readPassage(doc, a)!;
		doc.transact(() => replacePassage(doc, pa.from, pa.to, '物业公司'));
		const pb = readPassage(doc, b)!;
		expect(pb.quote).toBe('乙方');
		doc.transact(() => replacePassage(doc, pb.from, pb.to, '业委会'));
		expect(fragmentText(doc.getXmlFragment('prosemirror'))).toBe(
			'物业公司负责维修，业委会负责保洁。'
		);
	});
});
