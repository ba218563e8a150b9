/**
 * The proposal's Yjs binding as one Tiptap extension: y-prosemirror wired in directly (not
 * @tiptap/extension-collaboration, which runs on a fork of it).
 */
import { Extension } from '@tiptap/core';
import type { Plugin } from '@tiptap/pm/state';
import { redoCommand, undoCommand, yCursorPlugin, ySyncPlugin, yUndoPlugin } from 'y-prosemirror';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { buildCursor, buildSelection } from './cursors';

interface YjsOptions {
	fragment: Y.XmlFragment | null;
	awareness: Awareness | null;
	/** The comment highlights (`./comments-plugin.ts`), placed after the sync plugin. */
	comments: Plugin | null;
}

/** Sync first, since the undo plugin reads the sync plugin's state at init. */
export const YjsProposal = Extension.create<YjsOptions>({
	name: 'yjsProposal',
	// Ahead of the other extensions' keymaps, so Mod-z reaches the Yjs undo manager.
	priority: 1000,
	addOptions: () => ({ fragment: null, awareness: null, comments: null }),
	addProseMirrorPlugins() {
		const { fragment, awareness, comments } = this.options;
		if (!fragment || !awareness) throw new Error('yjsProposal needs a fragment and awareness');
		return [
			ySyncPlugin(fragment),
			yCursorPlugin(awareness, {
				cursorBuilder: buildCursor,
				selectionBuilder: buildSelection,
				// Only people with a name show a cursor; readers never set one.
				awarenessStateFilter: (own: number, other: number, state: { user?: unknown }) =>
					own !== other && state?.user != null
			}),
			yUndoPlugin(),
			// After the sync plugin: its view writes local edits into Yjs before ours reads.
			...(comments ? [comments] : [])
		];
	},
	addKeyboardShortcuts() {
		const undo = () => undoCommand(this.editor.state, this.editor.view.dispatch);
		const redo = () => redoCommand(this.editor.state, this.editor.view.dispatch);
		return { 'Mod-z': undo, 'Mod-y': redo, 'Shift-Mod-z': redo };
	}
});
