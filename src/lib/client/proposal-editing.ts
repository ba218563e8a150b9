/**
 * The proposal editor's behaviour on plain ProseMirror — the keys, Markdown-style shortcuts and
 * toolbar commands StarterKit gave it through Tiptap — so the room does not download Tiptap's
 * editor framework on top of ProseMirror (issue 5 §7). Shortcuts and input rules follow
 * Tiptap's: Mod-b/i/u, Mod-Shift-s, Mod-e, Mod-Alt-0…6 and Mod-Alt-c, Mod-Shift-b/7/8, Enter,
 * Tab and Shift-Tab in lists, Shift-Enter and Mod-Enter for a line break, `# `, `> `, `- `,
 * `1. `, three backticks, `---`, `**bold**`, `*italic*`, `~~strike~~`, a backquoted `code`.
 */
import {
	baseKeymap,
	chainCommands,
	createParagraphNear,
	deleteSelection,
	exitCode,
	joinBackward,
	joinForward,
	lift,
	liftEmptyBlock,
	newlineInCode,
	selectAll,
	selectNodeBackward,
	selectNodeForward,
	selectTextblockEnd,
	selectTextblockStart,
	setBlockType,
	splitBlock,
	toggleMark,
	wrapIn
} from '@tiptap/pm/commands';
import {
	InputRule,
	inputRules,
	textblockTypeInputRule,
	undoInputRule,
	wrappingInputRule
} from '@tiptap/pm/inputrules';
import { keymap } from '@tiptap/pm/keymap';
import type { MarkType, Node as PMNode, NodeType } from '@tiptap/pm/model';
import { liftListItem, sinkListItem, splitListItem, wrapInList } from '@tiptap/pm/schema-list';
import {
	Selection,
	type Command,
	type EditorState,
	type Plugin,
	type Transaction
} from '@tiptap/pm/state';
import { canJoin, liftTarget } from '@tiptap/pm/transform';
import { proposalSchema as schema } from './proposal-schema';

const { nodes, marks } = schema;
const isList = (type: NodeType) => type === nodes.bulletList || type === nodes.orderedList;

/** Lifts the selected blocks out of lists and quotes and makes them paragraphs (Tiptap's clearNodes). */
function clearNodesIn(state: EditorState, tr: Transaction): void {
	const { from, to } = state.selection;
	state.doc.nodesBetween(from, to, (node, pos) => {
		if (node.type.isText) return;
		const $start = tr.doc.resolve(tr.mapping.map(pos));
		const $end = tr.doc.resolve(tr.mapping.map(pos + node.nodeSize));
		const range = $start.blockRange($end);
		if (!range) return;
		const target = liftTarget(range);
		if (node.type.isTextblock) {
			const { defaultType } = $start.parent.contentMatchAt($start.index());
			tr.setNodeMarkup(range.start, defaultType);
		}
		if (target || target === 0) tr.lift(range, target);
	});
}

const clearNodes: Command = (state, dispatch) => {
	if (dispatch) {
		const tr = state.tr;
		clearNodesIn(state, tr);
		dispatch(tr.scrollIntoView());
	}
	return true;
};

/** The block type, or back to a paragraph when it is already that (Tiptap's toggleNode). */
function toggleBlock(type: NodeType, attrs: Record<string, unknown> = {}): Command {
	return (state, dispatch) => {
		if (blockActive(state, type, attrs)) return setBlockType(nodes.paragraph)(state, dispatch);
		if (setBlockType(type, attrs)(state, dispatch)) return true;
		// Inside a list item the first block must stay a paragraph: lifted out first, in one step.
		const tr = state.tr;
		clearNodesIn(state, tr);
		const ok = setBlockType(type, attrs)(state.apply(tr), (t) =>
			t.steps.forEach((s) => tr.step(s))
		);
		if (ok && dispatch) dispatch(tr.scrollIntoView());
		return ok;
	};
}

/** Wraps in a quote, or lifts out of one (Tiptap's toggleWrap). */
function toggleWrap(type: NodeType): Command {
	return (state, dispatch) =>
		blockActive(state, type) ? lift(state, dispatch) : wrapIn(type)(state, dispatch);
}

/** The list the selection sits in (the innermost), with its position. */
function parentList(state: EditorState): { node: PMNode; pos: number } | null {
	const { $from } = state.selection;
	for (let d = $from.depth; d > 0; d--) {
		const node = $from.node(d);
		if (isList(node.type)) return { node, pos: $from.before(d) };
	}
	return null;
}

/**
 * Tiptap's toggleList: out of the list when it is this kind, the list becomes this kind when it
 * is the other, else the blocks are wrapped in a new list (joined to a neighbour of its kind).
 */
function toggleList(type: NodeType): Command {
	return (state, dispatch) => {
		const list = parentList(state);
		if (list && list.node.type === type) return liftListItem(nodes.listItem)(state, dispatch);
		if (list) {
			if (dispatch) dispatch(state.tr.setNodeMarkup(list.pos, type).scrollIntoView());
			return true;
		}
		return wrapInList(type)(state, (tr) => {
			if (!dispatch) return;
			// Join with a list of the same kind right before or after.
			const after = parentList(state.apply(tr));
			if (after) {
				const end = after.pos + after.node.nodeSize;
				if (canJoin(tr.doc, end) && tr.doc.resolve(end).nodeAfter?.type === type) tr.join(end);
				const before = tr.doc.resolve(after.pos).nodeBefore;
				if (before?.type === type && canJoin(tr.doc, after.pos)) tr.join(after.pos);
			}
			dispatch(tr.scrollIntoView());
		});
	};
}

/** A line break that keeps the marks in use (Tiptap's setHardBreak); leaves a code block. */
const hardBreak: Command = (state, dispatch) => {
	if (exitCode(state, dispatch)) return true;
	if (state.selection.$from.parent.type.spec.isolating) return false;
	if (dispatch) {
		const storedMarks =
			state.storedMarks ??
			(state.selection.$to.parentOffset ? state.selection.$from.marks() : null);
		const tr = state.tr.replaceSelectionWith(nodes.hardBreak.create()).scrollIntoView();
		if (storedMarks) tr.ensureMarks(storedMarks);
		dispatch(tr);
	}
	return true;
};

/** Backspace at the start of (or in an empty) code block makes it a paragraph again. */
const codeBlockBackspace: Command = (state, dispatch) => {
	const { empty, $anchor } = state.selection;
	if (!empty || $anchor.parent.type !== nodes.codeBlock) return false;
	if ($anchor.pos === 1 || !$anchor.parent.textContent.length) return clearNodes(state, dispatch);
	return false;
};

/** Three Enters at the end of a code block leave it (Tiptap's exitOnTripleEnter). */
const codeBlockTripleEnter: Command = (state, dispatch) => {
	const { empty, $from } = state.selection;
	if (!empty || $from.parent.type !== nodes.codeBlock) return false;
	const atEnd = $from.parentOffset === $from.parent.nodeSize - 2;
	if (!atEnd || !$from.parent.textContent.endsWith('\n\n')) return false;
	if (dispatch) {
		const tr = state.tr.delete($from.pos - 2, $from.pos);
		exitCode(state.apply(tr), (t) => t.steps.forEach((s) => tr.step(s)));
		const after = tr.doc.resolve(tr.mapping.map($from.pos));
		const next = Selection.findFrom(tr.doc.resolve(after.after()), 1, true);
		if (next) tr.setSelection(next);
		dispatch(tr.scrollIntoView());
	}
	return true;
};

/** Backspace: an input rule just applied is undone first, an empty heading becomes a paragraph. */
const backspace = chainCommands(
	undoInputRule,
	(state, dispatch) => {
		const { empty, $anchor } = state.selection;
		const atStart = Selection.atStart(state.doc).from === $anchor.pos;
		const parent = $anchor.parent;
		if (!empty || !parent.isTextblock || parent.textContent.length || !atStart) return false;
		if (parent.type === nodes.paragraph) return false;
		return clearNodes(state, dispatch);
	},
	deleteSelection,
	joinBackward,
	selectNodeBackward
);
const del = chainCommands(deleteSelection, joinForward, selectNodeForward);
const enter = chainCommands(newlineInCode, createParagraphNear, liftEmptyBlock, splitBlock);

const mac = typeof navigator !== 'undefined' && /Mac|iP(hone|[oa]d)/.test(navigator.platform);

/** Marks typed Markdown-style (Tiptap's markInputRule: the markers go, the text keeps the mark). */
function markRule(find: RegExp, type: MarkType): InputRule {
	return new InputRule(
		find,
		(state, match, start, end) => {
			const content = match[match.length - 1];
			const full = match[0];
			if (!content) return null;
			const tr = state.tr;
			const spaces = full.search(/\S/);
			const textStart = start + full.indexOf(content);
			const textEnd = textStart + content.length;
			let excluded = false;
			state.doc.nodesBetween(start, end, (node, pos) => {
				if (pos + node.nodeSize <= textStart) return;
				if (node.marks.some((m) => m.type !== type && m.type.excludes(type))) excluded = true;
			});
			if (excluded) return null;
			if (textEnd < end) tr.delete(textEnd, end);
			if (textStart > start) tr.delete(start + spaces, textStart);
			tr.addMark(start + spaces, start + spaces + content.length, type.create());
			tr.removeStoredMark(type);
			return tr;
		},
		{ inCodeMark: false }
	);
}

/** `---` makes a horizontal rule before the line it was typed in (Tiptap's nodeInputRule). */
const ruleInput = new InputRule(
	/^(?:---|—-|___\s|\*\*\*\s)$/,
	(state, _match, start, end) => {
		const tr = state.tr.insert(start - 1, nodes.horizontalRule.create());
		tr.delete(tr.mapping.map(start), tr.mapping.map(end));
		return tr.scrollIntoView();
	},
	{ inCodeMark: false }
);

/** The editor's keys and Markdown-style shortcuts, in Tiptap's order of precedence. */
export function proposalPlugins(): Plugin[] {
	const blockKeys: Record<string, Command> = {
		'Mod-Alt-0': setBlockType(nodes.paragraph),
		'Mod-Alt-c': toggleBlock(nodes.codeBlock),
		'Mod-Shift-b': toggleWrap(nodes.blockquote),
		'Mod-Shift-8': toggleList(nodes.bulletList),
		'Mod-Shift-7': toggleList(nodes.orderedList)
	};
	for (const level of [1, 2, 3, 4, 5, 6])
		blockKeys[`Mod-Alt-${level}`] = toggleBlock(nodes.heading, { level });
	const base: Record<string, Command> = {
		...baseKeymap,
		Enter: enter,
		'Mod-Enter': exitCode,
		Backspace: backspace,
		'Mod-Backspace': backspace,
		'Shift-Backspace': backspace,
		Delete: del,
		'Mod-Delete': del,
		'Mod-a': selectAll
	};
	if (mac)
		Object.assign(base, {
			'Ctrl-h': backspace,
			'Alt-Backspace': backspace,
			'Ctrl-d': del,
			'Ctrl-Alt-Backspace': del,
			'Alt-Delete': del,
			'Alt-d': del,
			'Ctrl-a': selectTextblockStart,
			'Ctrl-e': selectTextblockEnd
		});
	return [
		inputRules({
			rules: [
				markRule(/(?:^|\s)(\*\*(?!\s+\*\*)((?:[^*]+))\*\*(?!\s+\*\*))$/, marks.bold),
				markRule(/(?:^|\s)(__(?!\s+__)((?:[^_]+))__(?!\s+__))$/, marks.bold),
				markRule(/(?:^|\s)(\*(?!\s+\*)((?:[^*]+))\*(?!\s+\*))$/, marks.italic),
				markRule(/(?:^|\s)(_(?!\s+_)((?:[^_]+))_(?!\s+_))$/, marks.italic),
				markRule(/(?:^|\s)(~~(?!\s+~~)((?:[^~]+))~~(?!\s+~~))$/, marks.strike),
				markRule(/(^|[^`])`([^`]+)`(?!`)$/, marks.code),
				textblockTypeInputRule(/^(#{1,6})\s$/, nodes.heading, (m) => ({
					level: (m[1] ?? '#').length
				})),
				textblockTypeInputRule(/^```([a-z]+)?[\s\n]$/, nodes.codeBlock, (m) => ({
					language: m[1] ?? null
				})),
				textblockTypeInputRule(/^~~~([a-z]+)?[\s\n]$/, nodes.codeBlock, (m) => ({
					language: m[1] ?? null
				})),
				wrappingInputRule(/^\s*>\s$/, nodes.blockquote),
				wrappingInputRule(/^\s*([-+*])\s$/, nodes.bulletList),
				wrappingInputRule(
					/^(\d+)\.\s$/,
					nodes.orderedList,
					(m) => ({ start: Number(m[1]) }),
					(m, node) =>
						(!node.attrs.type || node.attrs.type === '1') &&
						node.childCount + (node.attrs.start as number) === Number(m[1])
				),
				ruleInput
			]
		}),
		keymap({
			'Mod-b': toggleMark(marks.bold),
			'Mod-B': toggleMark(marks.bold),
			'Mod-i': toggleMark(marks.italic),
			'Mod-I': toggleMark(marks.italic),
			'Mod-u': toggleMark(marks.underline),
			'Mod-U': toggleMark(marks.underline),
			'Mod-Shift-s': toggleMark(marks.strike),
			'Mod-e': toggleMark(marks.code),
			'Shift-Enter': hardBreak,
			'Mod-Enter': hardBreak,
			...blockKeys
		}),
		keymap({
			Enter: splitListItem(nodes.listItem),
			Tab: sinkListItem(nodes.listItem),
			'Shift-Tab': liftListItem(nodes.listItem)
		}),
		keymap({
			Backspace: codeBlockBackspace,
			Enter: codeBlockTripleEnter
		}),
		keymap(base)
	];
}

/** Whether a mark is on at the selection (stored, at the caret, or over all selected text). */
export function markActive(state: EditorState, type: MarkType): boolean {
	const { empty, $from, from, to } = state.selection;
	if (empty) return !!type.isInSet(state.storedMarks ?? $from.marks());
	let all = true;
	let any = false;
	state.doc.nodesBetween(from, to, (node) => {
		if (!node.isText) return;
		any = true;
		if (!type.isInSet(node.marks)) all = false;
	});
	return any && all;
}

/** Whether the selection sits in a node of this type (with these attributes). */
export function blockActive(
	state: EditorState,
	type: NodeType,
	attrs: Record<string, unknown> = {}
): boolean {
	const within = (pos: number) => {
		const $pos = state.doc.resolve(pos);
		for (let d = $pos.depth; d > 0; d--) {
			const node = $pos.node(d);
			if (node.type === type && Object.entries(attrs).every(([k, v]) => node.attrs[k] === v))
				return true;
		}
		return false;
	};
	const { from, to } = state.selection;
	return within(from) && within(to);
}

/** The commands behind the toolbar's buttons. */
export const toolbarCommands = {
	bold: toggleMark(marks.bold),
	italic: toggleMark(marks.italic),
	heading: toggleBlock(nodes.heading, { level: 2 }),
	bulletList: toggleList(nodes.bulletList),
	orderedList: toggleList(nodes.orderedList)
};
