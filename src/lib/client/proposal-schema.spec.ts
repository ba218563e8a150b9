/**
 * Schema parity: the editor's hand-written schema is the one its Tiptap StarterKit extensions built, or y-prosemirror would
 * delete from the shared document what one browser's schema cannot hold.
 */
import { Mark as TiptapMark, getSchema } from '@tiptap/core';
import { Blockquote } from '@tiptap/extension-blockquote';
import { Bold } from '@tiptap/extension-bold';
import { Code } from '@tiptap/extension-code';
import { CodeBlock } from '@tiptap/extension-code-block';
import { Document } from '@tiptap/extension-document';
import { HardBreak } from '@tiptap/extension-hard-break';
import { Heading } from '@tiptap/extension-heading';
import { HorizontalRule } from '@tiptap/extension-horizontal-rule';
import { Italic } from '@tiptap/extension-italic';
import { BulletList, ListItem, OrderedList } from '@tiptap/extension-list';
import { Paragraph } from '@tiptap/extension-paragraph';
import { Strike } from '@tiptap/extension-strike';
import { Text } from '@tiptap/extension-text';
import { Underline } from '@tiptap/extension-underline';
import type { Mark, MarkType, Node as PMNode, NodeType, Schema } from '@tiptap/pm/model';
import { describe, expect, it } from 'vitest';
import { proposalSchema, safeHref } from './proposal-schema';

/** The link mark the Tiptap editor had (@tiptap/extension-link's name and attributes). */
const TiptapLink = TiptapMark.create({
	name: 'link',
	priority: 1000,
	keepOnSplit: false,
	exitable: true,
	inclusive: false,
	addAttributes() {
		return {
			href: { default: null, parseHTML: (el: HTMLElement) => el.getAttribute('href') },
			target: { default: '_blank' },
			rel: { default: 'noopener noreferrer nofollow' },
			class: { default: null },
			title: { default: null }
		};
	},
	parseHTML() {
		return [{ tag: 'a[href]' }];
	},
	renderHTML({ HTMLAttributes }) {
		return ['a', { rel: 'noopener noreferrer nofollow', ...HTMLAttributes }, 0];
	}
});

/** The schema the Tiptap editor built: StarterKit's extensions, in the order it listed them. */
const tiptap = getSchema([
	Document,
	Paragraph,
	Text,
	HardBreak,
	Heading,
	Bold,
	Italic,
	Underline,
	Strike,
	Code,
	CodeBlock,
	Blockquote,
	HorizontalRule,
	BulletList,
	OrderedList,
	ListItem,
	TiptapLink
]);

const NODE_FIELDS = [
	'content',
	'group',
	'inline',
	'atom',
	'defining',
	'code',
	'marks',
	'selectable',
	'isolating',
	'linebreakReplacement'
] as const;
const MARK_FIELDS = ['inclusive', 'excludes', 'code', 'spanning'] as const;

function attrDefaults(type: NodeType | MarkType): Record<string, unknown> {
	return Object.fromEntries(
		Object.entries(type.spec.attrs ?? {}).map(([name, spec]) => [name, spec.default])
	);
}

/** Parse rules without functions: which tags and styles each type reads. */
function rules(schema: Schema, name: string, kind: 'nodes' | 'marks') {
	const spec = schema[kind][name]!.spec;
	return (spec.parseDOM ?? []).map((rule) => ({
		tag: 'tag' in rule ? rule.tag : undefined,
		style: 'style' in rule ? rule.style : undefined,
		attrs: rule.attrs,
		consuming: rule.consuming,
		preserveWhitespace: 'preserveWhitespace' in rule ? rule.preserveWhitespace : undefined,
		clearMark: 'clearMark' in rule && rule.clearMark ? true : undefined
	}));
}

/** A DOM output spec with empty attribute objects and unset attributes dropped. */
function normal(out: unknown): unknown {
	if (!Array.isArray(out)) return out;
	return out
		.filter((part) => !(part && typeof part === 'object' && !Array.isArray(part) && !clean(part)))
		.map((part) =>
			part && typeof part === 'object' && !Array.isArray(part) ? clean(part) : normal(part)
		);
}
function clean(attrs: object): Record<string, string> | null {
	const entries = Object.entries(attrs).filter(([, v]) => v !== null && v !== undefined);
	return entries.length ? Object.fromEntries(entries.map(([k, v]) => [k, String(v)])) : null;
}

function renderNode(schema: Schema, name: string, attrs: Record<string, unknown>) {
	const type = schema.nodes[name]!;
	const node: PMNode = type.isText ? schema.text('x') : type.create(attrs);
	return normal(type.spec.toDOM?.(node));
}
function renderMark(schema: Schema, name: string, attrs: Record<string, unknown>) {
	const mark: Mark = schema.marks[name]!.create(attrs);
	return normal(schema.marks[name]!.spec.toDOM?.(mark, true));
}

describe('proposal schema', () => {
	it('has the Tiptap editor’s nodes and marks, in its order', () => {
		expect(Object.keys(proposalSchema.nodes)).toEqual(Object.keys(tiptap.nodes));
		expect(Object.keys(proposalSchema.marks)).toEqual(Object.keys(tiptap.marks));
		expect(proposalSchema.topNodeType.name).toBe(tiptap.topNodeType.name);
	});

	it.each(Object.keys(tiptap.nodes))('node %s has the same spec, attributes and rules', (name) => {
		const ours = proposalSchema.nodes[name]!;
		const theirs = tiptap.nodes[name]!;
		for (const field of NODE_FIELDS) expect(ours.spec[field], field).toEqual(theirs.spec[field]);
		expect(attrDefaults(ours)).toEqual(attrDefaults(theirs));
		expect(rules(proposalSchema, name, 'nodes')).toEqual(rules(tiptap, name, 'nodes'));
	});

	it.each(Object.keys(tiptap.marks))('mark %s has the same spec, attributes and rules', (name) => {
		const ours = proposalSchema.marks[name]!;
		const theirs = tiptap.marks[name]!;
		for (const field of MARK_FIELDS) expect(ours.spec[field], field).toEqual(theirs.spec[field]);
		expect(attrDefaults(ours)).toEqual(attrDefaults(theirs));
		expect(rules(proposalSchema, name, 'marks')).toEqual(rules(tiptap, name, 'marks'));
	});

	it('renders every node and mark as Tiptap does', () => {
		const cases: [string, Record<string, unknown>][] = [
			['paragraph', {}],
			['hardBreak', {}],
			['heading', { level: 2 }],
			['heading', { level: 5 }],
			['codeBlock', {}],
			['codeBlock', { language: 'js' }],
			['blockquote', {}],
			['horizontalRule', {}],
			['bulletList', {}],
			['orderedList', {}],
			['orderedList', { start: 3, type: 'a' }],
			['listItem', {}]
		];
		for (const [name, attrs] of cases)
			expect(renderNode(proposalSchema, name, attrs), name).toEqual(
				renderNode(tiptap, name, attrs)
			);
		const markCases: [string, Record<string, unknown>][] = [
			['bold', {}],
			['italic', {}],
			['underline', {}],
			['strike', {}],
			['code', {}],
			['link', { href: 'https://example.org/a', title: 't' }]
		];
		for (const [name, attrs] of markCases)
			expect(renderMark(proposalSchema, name, attrs), name).toEqual(
				renderMark(tiptap, name, attrs)
			);
	});

	it('keeps a document written by a StarterKit editor whole', () => {
		const json = {
			type: 'doc',
			content: [
				{ type: 'heading', attrs: { level: 3 }, content: [{ type: 'text', text: '标题' }] },
				{
					type: 'paragraph',
					content: [
						{ type: 'text', marks: [{ type: 'bold' }, { type: 'italic' }], text: 'a' },
						{ type: 'hardBreak' },
						{
							type: 'text',
							marks: [{ type: 'link', attrs: { href: 'https://x.org' } }],
							text: 'b'
						}
					]
				},
				{ type: 'blockquote', content: [{ type: 'paragraph' }] },
				{ type: 'codeBlock', attrs: { language: 'ts' }, content: [{ type: 'text', text: 'x' }] },
				{ type: 'horizontalRule' },
				{
					type: 'orderedList',
					attrs: { start: 2, type: null },
					content: [{ type: 'listItem', content: [{ type: 'paragraph' }] }]
				}
			]
		};
		const theirs = tiptap.nodeFromJSON(json);
		const ours = proposalSchema.nodeFromJSON(theirs.toJSON());
		ours.check();
		expect(ours.toJSON()).toEqual(theirs.toJSON());
		expect(ours.textBetween(0, ours.content.size, '\n')).toBe(
			theirs.textBetween(0, theirs.content.size, '\n')
		);
	});

	it('refuses unsafe link targets', () => {
		expect(safeHref('https://example.org')).toBe(true);
		expect(safeHref('javascript:alert(1)')).toBe(false);
		expect(safeHref(' java\tscript:alert(1)')).toBe(false);
	});
});
