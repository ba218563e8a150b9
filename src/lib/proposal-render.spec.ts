import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { proposalPlainText, renderProposal, renderProposalState } from './proposal-render';

/** A document shaped as y-prosemirror writes it: elements per node, marks as text attributes. */
function sample(): Y.Doc {
	const doc = new Y.Doc();
	const fragment = doc.getXmlFragment('prosemirror');
	const heading = new Y.XmlElement('heading');
	heading.setAttribute('level', 2 as unknown as string);
	const ht = new Y.XmlText();
	heading.insert(0, [ht]);
	const para = new Y.XmlElement('paragraph');
	const pt = new Y.XmlText();
	const br = new Y.XmlElement('hardBreak');
	const pt2 = new Y.XmlText();
	para.insert(0, [pt, br, pt2]);
	const list = new Y.XmlElement('bulletList');
	const li = new Y.XmlElement('listItem');
	const lp = new Y.XmlElement('paragraph');
	const lt = new Y.XmlText();
	lp.insert(0, [lt]);
	li.insert(0, [lp]);
	list.insert(0, [li]);
	fragment.insert(0, [heading, para, list]);
	ht.insert(0, '总则');
	pt.insert(0, '电梯');
	pt.insert(2, '重点', { bold: {} });
	pt.insert(4, '<script>', { link: { href: 'javascript:alert(1)' } });
	pt2.insert(0, '见', { link: { href: 'https://example.org/x' } });
	lt.insert(0, '第一条');
	return doc;
}

describe('renderProposal', () => {
	it('[READ-1] maps the schema to a fixed set of elements, marks to flags', () => {
		const tree = renderProposal(sample().getXmlFragment('prosemirror'));
		expect(tree.map((n) => (n.kind === 'block' ? n.tag : n.kind))).toEqual(['h2', 'p', 'ul']);
		const para = tree[1]!;
		if (para.kind !== 'block') throw new Error('block expected');
		expect(para.children).toEqual([
			{ kind: 'text', text: '电梯' },
			{ kind: 'text', text: '重点', bold: true },
			{ kind: 'text', text: '<script>' },
			{ kind: 'br' },
			{ kind: 'text', text: '见', href: 'https://example.org/x' }
		]);
	});

	it('[READ-2] a javascript: link loses its target; text stays text', () => {
		const json = JSON.stringify(renderProposal(sample().getXmlFragment('prosemirror')));
		expect(json).not.toContain('javascript:');
		expect(json).toContain('<script>');
	});

	it('[READ-3] renders a stored state and reads it as plain lines', () => {
		const state = Y.encodeStateAsUpdate(sample());
		const tree = renderProposalState(state, 'prosemirror');
		expect(proposalPlainText(tree)).toBe('总则\n电梯重点<script>\n见\n第一条');
	});

	it('[READ-4] an unknown heading level is clamped, an unknown node shows as a paragraph', () => {
		const doc = new Y.Doc();
		const f = doc.getXmlFragment('prosemirror');
		const h = new Y.XmlElement('heading');
		h.setAttribute('level', '9');
		const odd = new Y.XmlElement('table');
		f.insert(0, [h, odd]);
		const tree = renderProposal(f);
		expect(tree.map((n) => (n.kind === 'block' ? n.tag : n.kind))).toEqual(['h6', 'p']);
	});
});
