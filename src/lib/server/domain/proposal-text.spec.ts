import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { fragmentText, proposalFromText, proposalSnapshot } from './proposal-text';

function para(name: string, text: string, attrs?: Record<string, unknown>) {
	const el = new Y.XmlElement(name);
	const t = new Y.XmlText();
	t.insert(0, text, attrs);
	el.insert(0, [t]);
	return el;
}

describe('proposal text', () => {
	it('[PROP-1] reads headings, paragraphs and lists as plain lines, dropping marks', () => {
		const doc = new Y.Doc();
		const f = doc.getXmlFragment('prosemirror');
		const list = new Y.XmlElement('bulletList');
		const item = new Y.XmlElement('listItem');
		item.insert(0, [para('paragraph', '低楼层减半')]);
		list.insert(0, [item]);
		f.insert(0, [
			para('heading', '电梯更新方案'),
			para('paragraph', '按每平方米15元筹集', { bold: true }),
			list
		]);
		expect(fragmentText(f)).toBe('电梯更新方案\n按每平方米15元筹集\n• 低楼层减半');
	});

	it('[PROP-2] the same content gives the same state hash; an edit changes it', () => {
		const doc = new Y.Doc();
		doc.getXmlFragment('prosemirror').insert(0, [para('paragraph', '方案一')]);
		const a = proposalSnapshot(Y.encodeStateAsUpdate(doc));
		expect(a.text).toBe('方案一');
		expect(proposalSnapshot(Y.encodeStateAsUpdate(doc)).stateHash).toBe(a.stateHash);
		doc.getXmlFragment('prosemirror').insert(1, [para('paragraph', '补充')]);
		expect(proposalSnapshot(Y.encodeStateAsUpdate(doc)).stateHash).not.toBe(a.stateHash);
	});

	it('[PROP-3] an item body becomes the proposal: one ProseMirror paragraph per line', () => {
		const update = proposalFromText('第一段\r\n\n第三段')!;
		const doc = new Y.Doc();
		Y.applyUpdate(doc, update);
		const root = doc.getXmlFragment('prosemirror');
		expect(root.toArray().map((n) => (n as Y.XmlElement).nodeName)).toEqual([
			'paragraph',
			'paragraph',
			'paragraph'
		]);
		expect(root.toString()).toBe(
			'<paragraph>第一段</paragraph><paragraph></paragraph><paragraph>第三段</paragraph>'
		);
		expect(proposalSnapshot(update).text).toBe('第一段\n\n第三段');
		expect(proposalFromText('  \n ')).toBeNull();
	});
});
