/**
 * The proposal as a tree a Svelte component renders without ProseMirror: readers (and the
 * projector) see the text that y-prosemirror keeps in `Y.XmlFragment('prosemirror')` without
 * downloading the editor. Only the nodes and marks of the editor's schema
 * (`src/lib/client/proposal-extensions.ts`) become elements, each from a fixed list; text stays
 * text (Svelte escapes it) and a link keeps its target only when `safeHref` allows it.
 */
import * as Y from 'yjs';
import { toBase64 } from './proposal-version';
import type { BlockTag, ProposalNode, TextRun } from './proposal-tree';
import { safeHref } from './safe-href';

export * from './proposal-tree';

const BLOCKS: Record<string, BlockTag> = {
	paragraph: 'p',
	blockquote: 'blockquote',
	bulletList: 'ul',
	orderedList: 'ol',
	listItem: 'li',
	codeBlock: 'pre',
	horizontalRule: 'hr'
};

/** A mark attribute as y-prosemirror stores it: `bold`, or `bold--<hash>` when it overlaps. */
const markName = (key: string) => key.split('--')[0];

function runs(text: Y.XmlText): TextRun[] {
	const out: TextRun[] = [];
	for (const d of text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[]) {
		if (typeof d.insert !== 'string' || d.insert === '') continue;
		const run: TextRun = { kind: 'text', text: d.insert };
		for (const [key, value] of Object.entries(d.attributes ?? {})) {
			switch (markName(key)) {
				case 'bold':
					run.bold = true;
					break;
				case 'italic':
					run.italic = true;
					break;
				case 'underline':
					run.underline = true;
					break;
				case 'strike':
					run.strike = true;
					break;
				case 'code':
					run.code = true;
					break;
				case 'link': {
					const href = (value as { href?: unknown } | null)?.href;
					if (safeHref(href)) run.href = href;
					break;
				}
			}
		}
		out.push(run);
	}
	return out;
}

function headingTag(level: unknown): BlockTag {
	const n = Math.min(6, Math.max(1, Math.trunc(Number(level)) || 1));
	return `h${n}` as BlockTag;
}

function nodes(parent: Y.XmlFragment | Y.XmlElement): ProposalNode[] {
	const out: ProposalNode[] = [];
	for (const child of parent.toArray()) {
		if (child instanceof Y.XmlText) {
			out.push(...runs(child));
			continue;
		}
		if (!(child instanceof Y.XmlElement)) continue;
		if (child.nodeName === 'hardBreak') {
			out.push({ kind: 'br' });
			continue;
		}
		const tag =
			child.nodeName === 'heading'
				? headingTag(child.getAttribute('level'))
				: BLOCKS[child.nodeName];
		// A node of a schema this renderer does not know: its text still shows, in a paragraph.
		out.push({ kind: 'block', tag: tag ?? 'p', children: nodes(child) });
	}
	return out;
}

/** The proposal's blocks, in order. */
export function renderProposal(fragment: Y.XmlFragment): ProposalNode[] {
	return nodes(fragment);
}

/** The same from a stored document state (server side: the first paint). */
export function renderProposalState(state: Uint8Array, fragmentName: string): ProposalNode[] {
	const doc = new Y.Doc();
	try {
		Y.applyUpdate(doc, state);
		return renderProposal(doc.getXmlFragment(fragmentName));
	} finally {
		doc.destroy();
	}
}

/**
 * What the room needs to tell later whether the proposal changed since this state was rendered
 * (`src/lib/proposal-version.ts`): its state vector and the diff that vector gets while
 * nothing changed (its deletions alone), both base64.
 */
export function proposalVersion(state: Uint8Array): { stateVector: string; unchanged: string } {
	const stateVector = Y.encodeStateVectorFromUpdate(state);
	return {
		stateVector: toBase64(stateVector),
		unchanged: toBase64(Y.diffUpdate(state, stateVector))
	};
}
