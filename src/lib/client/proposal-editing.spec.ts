/**
 * The editor's keys, Markdown-style shortcuts and toolbar commands on plain ProseMirror, run on
 * editor states (no browser): what StarterKit did through Tiptap.
 */
import type { Node as PMNode } from '@tiptap/pm/model';
import { EditorState, TextSelection, type Command, type Transaction } from '@tiptap/pm/state';
import type { EditorView } from '@tiptap/pm/view';
import { describe, expect, it } from 'vitest';
import { blockActive, markActive, proposalPlugins, toolbarCommands } from './proposal-editing';
import { proposalSchema as schema } from './proposal-schema';

const { nodes } = schema;

function stateOf(doc: PMNode, from?: number, to?: number): EditorState {
	const state = EditorState.create({ schema, doc, plugins: proposalPlugins() });
	if (from === undefined) return state;
	return state.apply(state.tr.setSelection(TextSelection.create(state.doc, from, to ?? from)));
}

const p = (text = '') => nodes.paragraph.create(null, text ? schema.text(text) : null);
const docOf = (...blocks: PMNode[]) => nodes.doc.create(null, blocks);

function run(state: EditorState, command: Command): EditorState {
	let next = state;
	expect(command(state, (tr: Transaction) => (next = state.apply(tr)))).toBe(true);
	return next;
}

/** A stand-in for the view the plugins' props get: state and dispatch only. */
function fakeView(initial: EditorState) {
	const view = {
		state: initial,
		composing: false,
		dispatch(tr: Transaction) {
			view.state = view.state.apply(tr);
		}
	};
	return view;
}

/** Types text at the caret the way the input rules see it: the rule runs, or the text goes in. */
function type(state: EditorState, text: string): EditorState {
	const view = fakeView(state);
	for (const ch of text) {
		const { from, to } = view.state.selection;
		const handled = view.state.plugins.some((plugin) =>
			plugin.props.handleTextInput?.call(plugin, view as unknown as EditorView, from, to, ch, () =>
				view.state.tr.insertText(ch, from, to)
			)
		);
		if (!handled) view.dispatch(view.state.tr.insertText(ch, from, to));
	}
	return view.state;
}

function press(state: EditorState, key: string, mods: Partial<KeyboardEvent> = {}): EditorState {
	const view = fakeView(state);
	const event = { key, keyCode: 0, ...mods } as KeyboardEvent;
	const handled = view.state.plugins.some((plugin) =>
		plugin.props.handleKeyDown?.call(plugin, view as unknown as EditorView, event)
	);
	expect(handled, key).toBe(true);
	return view.state;
}

describe('proposal editing', () => {
	it('toolbar: bold and italic on the selection, and their pressed state', () => {
		let state = stateOf(docOf(p('议事规则')), 1, 3);
		state = run(state, toolbarCommands.bold);
		expect(markActive(state, schema.marks.bold)).toBe(true);
		expect(state.doc.firstChild!.firstChild!.marks.map((m) => m.type.name)).toEqual(['bold']);
		state = run(state, toolbarCommands.bold);
		expect(markActive(state, schema.marks.bold)).toBe(false);
		state = run(state, toolbarCommands.italic);
		expect(markActive(state, schema.marks.italic)).toBe(true);
	});

	it('toolbar: heading 2 on and off', () => {
		let state = stateOf(docOf(p('标题')), 2);
		state = run(state, toolbarCommands.heading);
		expect(state.doc.firstChild!.type.name).toBe('heading');
		expect(state.doc.firstChild!.attrs.level).toBe(2);
		expect(blockActive(state, nodes.heading, { level: 2 })).toBe(true);
		state = run(state, toolbarCommands.heading);
		expect(state.doc.firstChild!.type.name).toBe('paragraph');
	});

	it('toolbar: lists wrap, switch kind and unwrap', () => {
		let state = stateOf(docOf(p('一'), p('二')), 2);
		state = run(state, toolbarCommands.bulletList);
		expect(state.doc.firstChild!.type.name).toBe('bulletList');
		expect(blockActive(state, nodes.bulletList)).toBe(true);
		state = run(state, toolbarCommands.orderedList);
		expect(state.doc.firstChild!.type.name).toBe('orderedList');
		state = run(state, toolbarCommands.orderedList);
		expect(state.doc.firstChild!.type.name).toBe('paragraph');
		expect(state.doc.childCount).toBe(2);
	});

	it('toolbar: a heading inside a list item lifts it out first', () => {
		let state = stateOf(docOf(p('一')), 2);
		state = run(state, toolbarCommands.bulletList);
		state = run(state, toolbarCommands.heading);
		expect(state.doc.firstChild!.type.name).toBe('heading');
		state.doc.check();
	});

	it('Markdown shortcuts make blocks', () => {
		expect(type(stateOf(docOf(p()), 1), '## 标题').doc.firstChild!.attrs.level).toBe(2);
		expect(type(stateOf(docOf(p()), 1), '> 引').doc.firstChild!.type.name).toBe('blockquote');
		expect(type(stateOf(docOf(p()), 1), '- 项').doc.firstChild!.type.name).toBe('bulletList');
		const ordered = type(stateOf(docOf(p()), 1), '3. 项').doc.firstChild!;
		expect(ordered.type.name).toBe('orderedList');
		expect(ordered.attrs.start).toBe(3);
		expect(type(stateOf(docOf(p()), 1), '``` ').doc.firstChild!.type.name).toBe('codeBlock');
		const rule = type(stateOf(docOf(p()), 1), '---').doc;
		expect(rule.firstChild!.type.name).toBe('horizontalRule');
		rule.check();
	});

	it('Markdown shortcuts make marks, and the markers go', () => {
		const bold = type(stateOf(docOf(p()), 1), '说 **重点**').doc.firstChild!;
		expect(bold.textContent).toBe('说 重点');
		expect(bold.lastChild!.marks.map((m) => m.type.name)).toEqual(['bold']);
		const italic = type(stateOf(docOf(p()), 1), '*斜*').doc.firstChild!;
		expect(italic.textContent).toBe('斜');
		expect(italic.firstChild!.marks.map((m) => m.type.name)).toEqual(['italic']);
		const strike = type(stateOf(docOf(p()), 1), '~~删~~').doc.firstChild!;
		expect(strike.firstChild!.marks.map((m) => m.type.name)).toEqual(['strike']);
		const code = type(stateOf(docOf(p()), 1), 'a `x`').doc.firstChild!;
		expect(code.textContent).toBe('a x');
		expect(code.lastChild!.marks.map((m) => m.type.name)).toEqual(['code']);
	});

	it('keys: Enter splits a list item, Shift-Enter breaks the line, Mod-b bolds', () => {
		let state = type(stateOf(docOf(p()), 1), '- 一');
		state = press(state, 'Enter');
		const list = state.doc.firstChild!;
		expect(list.type.name).toBe('bulletList');
		expect(list.childCount).toBe(2);
		state = type(state, '二');
		state = press(state, 'Enter', { shiftKey: true });
		expect(state.doc.firstChild!.lastChild!.firstChild!.lastChild!.type.name).toBe('hardBreak');
		let plain = stateOf(docOf(p('文字')), 1, 3);
		plain = press(plain, 'b', { ctrlKey: true });
		expect(markActive(plain, schema.marks.bold)).toBe(true);
	});

	it('Backspace right after a shortcut undoes it', () => {
		let state = type(stateOf(docOf(p()), 1), '# ');
		expect(state.doc.firstChild!.type.name).toBe('heading');
		state = press(state, 'Backspace');
		expect(state.doc.firstChild!.type.name).toBe('paragraph');
		expect(state.doc.textContent).toBe('# ');
	});
});
