import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import { describe, expect, it } from 'vitest';
import {
	absolutePositionToRelativePosition,
	initProseMirrorDoc,
	relativePositionToAbsolutePosition
} from 'y-prosemirror';
import * as Y from 'yjs';
import { anchorJson } from '$lib/anchors';
import { quoteNow, readPassage, resolvePosition } from './anchors';

const schema = getSchema([StarterKit]);

function para(text: string): Y.XmlElement {
	const el = new Y.XmlElement('paragraph');
	el.insert(0, [new Y.XmlText(text)]);
	return el;
}

function proposal(...paragraphs: string[]): Y.Doc {
	const doc = new Y.Doc();
	doc.getXmlFragment('prosemirror').insert(
		0,
		paragraphs.map((p) => para(p))
	);
	return doc;
}

const textOf = (doc: Y.Doc, i: number) =>
	(doc.getXmlFragment('prosemirror').get(i) as Y.XmlElement).get(0) as Y.XmlText;

/** Anchors made the way the browser makes them: ProseMirror positions through y-prosemirror. */
function anchorFor(doc: Y.Doc, passage: string, raw = false) {
	const fragment = doc.getXmlFragment('prosemirror');
	const { doc: pm, mapping } = initProseMirrorDoc(fragment, schema);
	let from = -1;
	pm.descendants((node, pos) => {
		if (from < 0 && node.isText && node.text!.includes(passage)) {
			from = pos + node.text!.indexOf(passage);
		}
	});
	expect(from).toBeGreaterThan(0);
	const to = from + passage.length;
	const start = absolutePositionToRelativePosition(from, fragment, mapping);
	const end = absolutePositionToRelativePosition(to, fragment, mapping);
	return {
		anchor: raw
			? { start: Y.relativePositionToJSON(start), end: Y.relativePositionToJSON(end) }
			: anchorJson(doc, start, end),
		from,
		to
	};
}

/** Where y-prosemirror itself would put a relative position in the current document. */
function clientPosition(doc: Y.Doc, json: unknown): number | null {
	const fragment = doc.getXmlFragment('prosemirror');
	const { mapping } = initProseMirrorDoc(fragment, schema);
	return relativePositionToAbsolutePosition(
		doc,
		fragment,
		Y.createRelativePositionFromJSON(json),
		mapping
	);
}

describe('comment anchors', () => {
	it('[ANCHOR-1] reads the passage and agrees with y-prosemirror on positions', () => {
		const doc = proposal('第一段：小区停车位改造方案。', '第二段：每户一个车位，外来车辆收费。');
		const { anchor, from, to } = anchorFor(doc, '每户一个车位');
		expect(resolvePosition(doc, anchor.start)).toBe(from);
		expect(resolvePosition(doc, anchor.end)).toBe(to);
		expect(readPassage(doc, anchor)).toEqual({ from, to, quote: '每户一个车位' });
	});

	it('[ANCHOR-2] follows the passage through inserts before, adjacent and after it', () => {
		const doc = proposal('第一段。', '第二段：每户一个车位，外来车辆收费。');
		const { anchor } = anchorFor(doc, '每户一个车位');
		doc.getXmlFragment('prosemirror').insert(0, [para('新加的第一段')]);
		textOf(doc, 2).insert(0, '【修改】');
		// Right before the passage and right after it: outside the passage.
		const t = textOf(doc, 2);
		t.insert(t.toString().indexOf('每户'), '前');
		t.insert(t.toString().indexOf('车位') + 2, '后');
		t.insert(t.length, '（完）');
		const passage = readPassage(doc, anchor)!;
		expect(passage.quote).toBe('每户一个车位');
		expect(passage.from).toBe(clientPosition(doc, anchor.start));
		expect(passage.to).toBe(clientPosition(doc, anchor.end));
	});

	it('[ANCHOR-2b] takes in text typed right after a raw y-prosemirror end, not before its start', () => {
		const doc = proposal('每户一个车位，外来车辆收费。');
		const { anchor } = anchorFor(doc, '一个车位', true);
		const t = textOf(doc, 0);
		t.insert(2, '前');
		t.insert(t.toString().indexOf('车位') + 2, '后');
		expect(readPassage(doc, anchor)!.quote).toBe('一个车位后');
	});

	it('[ANCHOR-3] grows with text typed inside and shrinks with deletions inside', () => {
		const doc = proposal('每户一个车位，外来车辆收费。');
		const { anchor } = anchorFor(doc, '每户一个车位');
		const t = textOf(doc, 0);
		t.insert(2, '限');
		expect(readPassage(doc, anchor)!.quote).toBe('每户限一个车位');
		t.delete(0, 3);
		expect(readPassage(doc, anchor)!.quote).toBe('一个车位');
	});

	it('[ANCHOR-4] reads "" once the whole passage is deleted, even with its paragraph', () => {
		const doc = proposal('第一段。', '每户一个车位，外来车辆收费。', '第三段。');
		const { anchor } = anchorFor(doc, '一个车位');
		textOf(doc, 1).delete(2, 4);
		expect(readPassage(doc, anchor)!.quote).toBe('');
		doc.getXmlFragment('prosemirror').delete(1, 1);
		expect(quoteNow(doc, anchor)).toBe('');
		// Without garbage collection the deleted paragraph still places both ends.
		const kept = new Y.Doc({ gc: false });
		kept
			.getXmlFragment('prosemirror')
			.insert(0, [para('第一段。'), para('每户一个车位。'), para('末段。')]);
		const again = anchorFor(kept, '一个车位').anchor;
		kept.getXmlFragment('prosemirror').delete(1, 1);
		const gone = readPassage(kept, again)!;
		expect(gone.quote).toBe('');
		expect(gone.from).toBe(gone.to);
		expect(gone.from).toBe(6);
	});

	it('[ANCHOR-5] spans paragraphs with "\\n" between them', () => {
		const doc = proposal('甲乙丙', '丁戊己', '庚辛');
		const fragment = doc.getXmlFragment('prosemirror');
		const { mapping } = initProseMirrorDoc(fragment, schema);
		// "乙丙" starts at 2 (inside the first paragraph), "丁戊" ends at 8.
		const start = Y.relativePositionToJSON(
			absolutePositionToRelativePosition(2, fragment, mapping)
		);
		const end = Y.relativePositionToJSON(absolutePositionToRelativePosition(8, fragment, mapping));
		expect(readPassage(doc, { start, end })!.quote).toBe('乙丙\n丁戊');
	});

	it('[ANCHOR-5b] counts hard breaks and bold text as the editor does', () => {
		const doc = new Y.Doc();
		const p = new Y.XmlElement('paragraph');
		const bold = new Y.XmlText();
		bold.insert(0, '甲乙', { bold: true });
		p.insert(0, [bold, new Y.XmlElement('hardBreak'), new Y.XmlText('丙丁')]);
		const fragment = doc.getXmlFragment('prosemirror');
		fragment.insert(0, [p]);
		const { mapping } = initProseMirrorDoc(fragment, schema);
		const at = (pos: number) =>
			Y.relativePositionToJSON(absolutePositionToRelativePosition(pos, fragment, mapping));
		expect(readPassage(doc, { start: at(2), end: at(5) })).toEqual({
			from: 2,
			to: 5,
			quote: '乙\n丙'
		});
	});

	it('[ANCHOR-6] follows the passage through concurrent edits merged from two replicas', () => {
		const a = proposal('议题：垃圾分类定时定点投放，早七点到九点。');
		const b = new Y.Doc();
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		const { anchor } = anchorFor(a, '定时定点投放');
		textOf(a, 0).insert(3, '关于');
		const tb = textOf(b, 0);
		tb.insert(tb.toString().indexOf('定点'), '、');
		tb.insert(tb.length, '晚上六点到八点。');
		Y.applyUpdate(a, Y.encodeStateAsUpdate(b));
		Y.applyUpdate(b, Y.encodeStateAsUpdate(a));
		expect(readPassage(a, anchor)!.quote).toBe('定时、定点投放');
		expect(readPassage(b, anchor)).toEqual(readPassage(a, anchor));
		expect(textOf(a, 0).toString()).toContain('关于');
	});

	it('[ANCHOR-7] refuses positions that are not relative positions of this document', () => {
		const doc = proposal('一段文字。');
		const other = proposal('另一份文件。');
		const { anchor } = anchorFor(other, '另一份');
		const fresh = new Y.Doc();
		for (const bad of [
			null,
			'x',
			{},
			[],
			{ item: { client: -1, clock: 0 } },
			{ item: { client: 'a', clock: 0 } },
			{ tname: 'other' },
			{ item: { client: 1, clock: 999999 } }
		]) {
			expect(resolvePosition(doc, bad)).toBeNull();
		}
		// Positions in another document's items do not resolve here.
		expect(readPassage(fresh, anchor)).toBeNull();
		// The fragment itself with no item: its end.
		expect(resolvePosition(doc, { tname: 'prosemirror', item: null, type: null, assoc: 0 })).toBe(
			7
		);
	});
});
