/** What the proposal editor's toolbar shows: active marks and whether undo/redo can run. */
import type { Editor } from '@tiptap/core';
import { yUndoPluginKey } from 'y-prosemirror';

export interface ToolbarState {
	bold: boolean;
	italic: boolean;
	heading: boolean;
	bulletList: boolean;
	orderedList: boolean;
	canUndo: boolean;
	canRedo: boolean;
}

export function readToolbar(editor: Editor): ToolbarState {
	const undoManager = yUndoPluginKey.getState(editor.state)?.undoManager;
	return {
		bold: editor.isActive('bold'),
		italic: editor.isActive('italic'),
		heading: editor.isActive('heading', { level: 2 }),
		bulletList: editor.isActive('bulletList'),
		orderedList: editor.isActive('orderedList'),
		canUndo: (undoManager?.undoStack.length ?? 0) > 0,
		canRedo: (undoManager?.redoStack.length ?? 0) > 0
	};
}

/**
 * Undo and redo run inside a Yjs transaction whose editor update arrives before the undo
 * manager files the change, so the stacks are read again when they really change. Returns the
 * function that stops watching.
 */
export function watchUndoStacks(editor: Editor, changed: () => void): () => void {
	const undoManager = yUndoPluginKey.getState(editor.state)?.undoManager;
	if (!undoManager) return () => {};
	const events = ['stack-item-added', 'stack-item-popped', 'stack-cleared'] as const;
	for (const name of events) undoManager.on(name, changed);
	return () => {
		for (const name of events) undoManager.off(name, changed);
	};
}
