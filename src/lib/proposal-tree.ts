/**
 * The proposal as a tree of blocks and text runs (built by `./proposal-render.ts` from the
 * Yjs document) and what the room reads from it. No Yjs here: the room imports this module in
 * its first paint, and Yjs arrives only with the live reader (`./proposal-version.ts`).
 */
export type BlockTag =
	'p' | 'h1' | 'h2' | 'h3' | 'h4' | 'h5' | 'h6' | 'blockquote' | 'ul' | 'ol' | 'li' | 'pre' | 'hr';

export interface TextRun {
	kind: 'text';
	text: string;
	bold?: true;
	italic?: true;
	underline?: true;
	strike?: true;
	code?: true;
	/** Present only for a safe target. */
	href?: string;
}

export interface LineBreak {
	kind: 'br';
}

export interface Block {
	kind: 'block';
	tag: BlockTag;
	children: ProposalNode[];
}

export type ProposalNode = Block | TextRun | LineBreak;

/** Plain text of the tree, one line per block: what 朗读 reads aloud. */
export function proposalPlainText(tree: ProposalNode[]): string {
	const lines: string[] = [];
	const walk = (list: ProposalNode[], line: string[]): void => {
		for (const n of list) {
			if (n.kind === 'text') line.push(n.text);
			else if (n.kind === 'br') line.push('\n');
			else {
				const inner: string[] = [];
				walk(n.children, inner);
				if (inner.length) lines.push(inner.join(''));
			}
		}
	};
	const top: string[] = [];
	walk(tree, top);
	if (top.length) lines.push(top.join(''));
	return lines.join('\n');
}
