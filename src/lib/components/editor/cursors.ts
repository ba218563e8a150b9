/**
 * Other writers' carets and selections. Awareness comes from other browsers: only a plain hex
 * colour reaches a style, and a name goes in as text, never as markup.
 */
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;
const FALLBACK_COLOR = '#4b5563';
const MAX_NAME = 24;

export const safeColor = (color: unknown): string =>
	typeof color === 'string' && HEX_COLOR.test(color) ? color : FALLBACK_COLOR;
export const safeName = (name: unknown): string =>
	typeof name === 'string' ? name.slice(0, MAX_NAME) : '';

/**
 * A remote caret with the person's name on their bloc colour. Keeps y-prosemirror's class
 * names, which tests and styles rely on.
 */
export function buildCursor(user: { name?: unknown; color?: unknown }): HTMLElement {
	const color = safeColor(user.color);
	const caret = document.createElement('span');
	caret.className = 'ProseMirror-yjs-cursor';
	caret.style.borderColor = color;
	const label = document.createElement('span');
	label.className = 'ProseMirror-yjs-cursor-label';
	label.style.backgroundColor = color;
	label.textContent = safeName(user.name);
	// Word joiners keep the caret from breaking the line it sits in (y-prosemirror's default).
	caret.append('\u2060', label, '\u2060');
	return caret;
}

export function buildSelection(user: { color?: unknown }): { style: string; class: string } {
	return {
		style: `background-color: ${safeColor(user.color)}33`,
		class: 'ProseMirror-yjs-selection'
	};
}
