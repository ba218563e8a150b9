/**
 * The proposal's ProseMirror schema, written out instead of built by Tiptap (issue 5 §7: the
 * editor chunk). It is StarterKit's schema, node for node and mark for mark, in StarterKit's
 * order and with its attributes, parse rules and rendering — `proposal-schema.spec.ts` compares
 * it with Tiptap's own. That parity is not optional: y-prosemirror deletes from the shared
 * document whatever the local schema cannot parse, so a smaller schema in one browser would
 * erase other people's headings, quotes or links. The link mark is schema and safe rendering
 * only (no linkify: nothing here turns typed text into links).
 */
import {
	Schema,
	type DOMOutputSpec,
	type Mark,
	type Node as PMNode,
	type TagParseRule
} from '@tiptap/pm/model';

const ALLOWED_PROTOCOLS = ['http', 'https', 'ftp', 'ftps', 'mailto', 'tel', 'callto', 'sms'];
// eslint-disable-next-line no-control-regex -- the whitespace a URL scheme may hide behind
const URI_WHITESPACE = /[\u0000-\u0020\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000]/g;
const SAFE_URI = new RegExp(
	`^(?:(?:${ALLOWED_PROTOCOLS.join('|')}):|[^a-z]|[a-z0-9+.\\-]+(?:[^a-z+.\\-:]|$))`,
	'i'
);

/** No `javascript:` and the like: a link's target is one of the plain protocols, or relative. */
export function safeHref(href: unknown): boolean {
	return typeof href === 'string' && SAFE_URI.test(href.replace(URI_WHITESPACE, ''));
}

/** Tiptap reads an attribute without a parser from the element's attribute of that name. */
function fromString(value: string | null): unknown {
	if (value === null) return null;
	if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
	if (value === 'true') return true;
	if (value === 'false') return false;
	return value;
}

/** Attributes read from the element, as Tiptap's parse rules read them (absent = default). */
function readAttrs(
	el: HTMLElement,
	names: string[],
	parsers: Record<string, (el: HTMLElement) => unknown> = {}
): Record<string, unknown> {
	const attrs: Record<string, unknown> = {};
	for (const name of names) {
		const value = parsers[name] ? parsers[name](el) : fromString(el.getAttribute(name));
		if (value !== null && value !== undefined) attrs[name] = value;
	}
	return attrs;
}

/** Rendered attributes without the empty ones (Tiptap's mergeAttributes leaves them out too). */
function rendered(attrs: Record<string, unknown>): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [key, value] of Object.entries(attrs))
		if (value !== null && value !== undefined) out[key] = String(value);
	return out;
}

const HTML_LIST_TYPES: Record<string, string> = {
	'lower-alpha': 'a',
	'upper-alpha': 'A',
	'lower-latin': 'a',
	'upper-latin': 'A',
	'lower-roman': 'i',
	'upper-roman': 'I',
	decimal: '1'
};

/** An ordered list's `type` from a CSS `list-style-type` (Tiptap's cssListStyleTypeToHtmlType). */
function listTypeFromStyle(style: string | null): string | null {
	const match = style && /list-style-type\s*:\s*([a-z-]+)/i.exec(style);
	return match ? (HTML_LIST_TYPES[(match[1] ?? '').toLowerCase()] ?? null) : null;
}

const headingRule = (level: number): TagParseRule => ({
	tag: `h${level}`,
	attrs: { level },
	getAttrs: (el) => readAttrs(el, ['level'])
});

export const proposalSchema = new Schema({
	nodes: {
		paragraph: {
			content: 'inline*',
			group: 'block',
			parseDOM: [{ tag: 'p' }],
			toDOM: (): DOMOutputSpec => ['p', 0]
		},
		doc: { content: 'block+' },
		text: { group: 'inline' },
		hardBreak: {
			group: 'inline',
			inline: true,
			selectable: false,
			linebreakReplacement: true,
			parseDOM: [{ tag: 'br' }],
			toDOM: (): DOMOutputSpec => ['br']
		},
		heading: {
			content: 'inline*',
			group: 'block',
			defining: true,
			attrs: { level: { default: 1 } },
			parseDOM: [1, 2, 3, 4, 5, 6].map(headingRule),
			toDOM: (node: PMNode): DOMOutputSpec => {
				const level = node.attrs.level as number;
				return [`h${[1, 2, 3, 4, 5, 6].includes(level) ? level : 1}`, 0];
			}
		},
		codeBlock: {
			content: 'text*',
			marks: '',
			group: 'block',
			code: true,
			defining: true,
			attrs: { language: { default: null } },
			parseDOM: [
				{
					tag: 'pre',
					preserveWhitespace: 'full',
					getAttrs: (el) => {
						const classes = [...(el.firstElementChild?.classList ?? [])];
						const language = classes.find((c) => c.startsWith('language-'));
						return language ? { language: language.slice('language-'.length) } : {};
					}
				}
			],
			toDOM: (node: PMNode): DOMOutputSpec => [
				'pre',
				[
					'code',
					rendered({ class: node.attrs.language ? `language-${node.attrs.language}` : null }),
					0
				]
			]
		},
		blockquote: {
			content: 'block+',
			group: 'block',
			defining: true,
			parseDOM: [{ tag: 'blockquote' }],
			toDOM: (): DOMOutputSpec => ['blockquote', 0]
		},
		horizontalRule: {
			group: 'block',
			parseDOM: [{ tag: 'hr' }],
			toDOM: (): DOMOutputSpec => ['hr']
		},
		bulletList: {
			content: 'listItem+',
			group: 'block list',
			parseDOM: [{ tag: 'ul' }],
			toDOM: (): DOMOutputSpec => ['ul', 0]
		},
		orderedList: {
			content: 'listItem+',
			group: 'block list',
			attrs: { start: { default: 1 }, type: { default: null } },
			parseDOM: [
				{
					tag: 'ol',
					getAttrs: (el) =>
						readAttrs(el, ['start', 'type'], {
							start: (e) =>
								e.hasAttribute('start') ? parseInt(e.getAttribute('start') || '', 10) : 1,
							type: (e) =>
								e.getAttribute('type') ||
								listTypeFromStyle(e.getAttribute('style')) ||
								listTypeFromStyle(e.querySelector('li')?.getAttribute('style') ?? null)
						})
				}
			],
			toDOM: (node: PMNode): DOMOutputSpec => {
				const { start, type } = node.attrs as { start: number; type: string | null };
				const attrs: Record<string, string> = {};
				if (start !== 1) attrs.start = String(start);
				if (type && type !== '1') attrs.type = type;
				return ['ol', attrs, 0];
			}
		},
		listItem: {
			content: 'paragraph block*',
			defining: true,
			parseDOM: [{ tag: 'li' }],
			toDOM: (): DOMOutputSpec => ['li', 0]
		}
	},
	marks: {
		link: {
			inclusive: false,
			attrs: {
				href: { default: null },
				target: { default: '_blank' },
				rel: { default: 'noopener noreferrer nofollow' },
				class: { default: null },
				title: { default: null }
			},
			parseDOM: [
				{
					tag: 'a[href]',
					getAttrs: (el) =>
						safeHref(el.getAttribute('href'))
							? readAttrs(el, ['href', 'target', 'rel', 'class', 'title'], {
									href: (e) => e.getAttribute('href')
								})
							: false
				}
			],
			toDOM: (mark: Mark): DOMOutputSpec => {
				const attrs = rendered(mark.attrs);
				if (!safeHref(mark.attrs.href)) attrs.href = '';
				return ['a', { rel: 'noopener noreferrer nofollow', ...attrs }, 0];
			}
		},
		bold: {
			parseDOM: [
				{ tag: 'strong' },
				{ tag: 'b', getAttrs: (el) => el.style.fontWeight !== 'normal' && null },
				{ style: 'font-weight=400', clearMark: (mark) => mark.type.name === 'bold' },
				{
					style: 'font-weight',
					getAttrs: (value) => /^(bold(er)?|[5-9]\d{2,})$/.test(value) && null
				}
			],
			toDOM: (): DOMOutputSpec => ['strong', 0]
		},
		italic: {
			parseDOM: [
				{ tag: 'em' },
				{ tag: 'i', getAttrs: (el) => el.style.fontStyle !== 'normal' && null },
				{ style: 'font-style=normal', clearMark: (mark) => mark.type.name === 'italic' },
				{ style: 'font-style=italic' }
			],
			toDOM: (): DOMOutputSpec => ['em', 0]
		},
		underline: {
			parseDOM: [
				{ tag: 'u' },
				{
					style: 'text-decoration',
					consuming: false,
					getAttrs: (value) => (value.includes('underline') ? {} : false)
				}
			],
			toDOM: (): DOMOutputSpec => ['u', 0]
		},
		strike: {
			parseDOM: [
				{ tag: 's' },
				{ tag: 'del' },
				{ tag: 'strike' },
				{
					style: 'text-decoration',
					consuming: false,
					getAttrs: (value) => (value.includes('line-through') ? {} : false)
				}
			],
			toDOM: (): DOMOutputSpec => ['s', 0]
		},
		code: {
			excludes: '_',
			code: true,
			parseDOM: [{ tag: 'code' }],
			toDOM: (): DOMOutputSpec => ['code', 0]
		}
	}
});
