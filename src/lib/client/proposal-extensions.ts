/**
 * The editor's Tiptap extensions, imported one by one instead of `@tiptap/starter-kit`
 * (a smaller editor chunk). The SCHEMA stays StarterKit's — every node and mark it defines — because
 * y-prosemirror deletes from the shared document whatever the local schema cannot parse: a
 * smaller schema in one browser would erase other people's headings, quotes or links. What goes
 * is behaviour the proposal does not use: linkify (autolink is off; the link mark here is
 * schema and safe rendering only), ProseMirror's own history (Yjs owns undo), the trailing node
 * (it would write into the shared document from every replica), drop and gap cursors.
 */
import { Mark, mergeAttributes, type AnyExtension } from '@tiptap/core';
import { Blockquote } from '@tiptap/extension-blockquote';
import { Bold } from '@tiptap/extension-bold';
import { Code } from '@tiptap/extension-code';
import { CodeBlock } from '@tiptap/extension-code-block';
import { Document } from '@tiptap/extension-document';
import { HardBreak } from '@tiptap/extension-hard-break';
import { Heading } from '@tiptap/extension-heading';
import { HorizontalRule } from '@tiptap/extension-horizontal-rule';
import { Italic } from '@tiptap/extension-italic';
import { BulletList, ListItem, ListKeymap, OrderedList } from '@tiptap/extension-list';
import { Paragraph } from '@tiptap/extension-paragraph';
import { Strike } from '@tiptap/extension-strike';
import { Text } from '@tiptap/extension-text';
import { Underline } from '@tiptap/extension-underline';
import { safeHref } from '$lib/safe-href';

/** The `link` mark of @tiptap/extension-link — same name and attributes — without linkify. */
export const ProposalLink = Mark.create({
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
		return [
			{
				tag: 'a[href]',
				getAttrs: (dom: HTMLElement) => (safeHref(dom.getAttribute('href')) ? null : false)
			}
		];
	},
	renderHTML({ HTMLAttributes }) {
		const attrs = safeHref(HTMLAttributes.href) ? HTMLAttributes : { ...HTMLAttributes, href: '' };
		return ['a', mergeAttributes({ rel: 'noopener noreferrer nofollow' }, attrs), 0];
	}
});

/** StarterKit's schema (history and trailing node off), nothing else. */
export function proposalExtensions(): AnyExtension[] {
	return [
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
		ListKeymap,
		ProposalLink
	];
}
