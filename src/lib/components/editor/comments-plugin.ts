/**
 * Highlights of commented passages in the proposal editor. Positions come from the Yjs
 * relative positions after every change (the sync plugin's view has written local edits into
 * Yjs by then); in between, ProseMirror's mapping carries them. Tapping a highlight opens its
 * thread.
 */
import { Plugin, PluginKey, type EditorState } from '@tiptap/pm/state';
import { Decoration, DecorationSet, type EditorView } from '@tiptap/pm/view';
import type { Stance } from '$lib/protocol';
import { placeOf } from './binding';
import type { CommentMark } from './types';

type Range = { id: string; stance: Stance; from: number; to: number };
type Shown = { from: number; to: number; id: string; stance: string };

/** Where each passage is now, in editor positions. */
function rangesOf(state: EditorState, marks: CommentMark[]): Range[] {
	const place = placeOf(state);
	if (!place) return [];
	const ranges: Range[] = [];
	for (const mark of marks) {
		try {
			const from = place(mark.anchor.start);
			const to = place(mark.anchor.end);
			if (from === null || to === null || to <= from) continue;
			const size = state.doc.content.size;
			ranges.push({
				id: mark.id,
				stance: mark.stance,
				from: Math.min(from, size),
				to: Math.min(to, size)
			});
		} catch {
			// A passage in a part of the document not rendered yet: shown on the next change.
		}
	}
	return ranges;
}

const commentsKey = new PluginKey<{ set: DecorationSet }>('yishiComments');

/** What a set of highlights shows, to tell whether a redraw would change anything. */
export const keyOf = (ranges: readonly Shown[]): string =>
	ranges
		.map((r) => `${r.from}-${r.to}-${r.id}-${r.stance}`)
		.sort()
		.join('|');

/** The passages a set highlights (one passage across paragraphs is stored in pieces). */
function shownRanges(set: DecorationSet): Shown[] {
	const byId: Record<string, Shown> = {};
	for (const d of set.find()) {
		const { id, stance } = d.spec as { id: string; stance: string };
		const r = byId[id];
		if (!r) byId[id] = { from: d.from, to: d.to, id, stance };
		else Object.assign(r, { from: Math.min(r.from, d.from), to: Math.max(r.to, d.to) });
	}
	return Object.values(byId);
}

function decorate(state: EditorState, ranges: Range[]): DecorationSet {
	return DecorationSet.create(
		state.doc,
		ranges.map((r) =>
			Decoration.inline(
				r.from,
				r.to,
				{ class: `comment-mark stance-${r.stance}`, 'data-comment-id': r.id },
				{ id: r.id, stance: r.stance }
			)
		)
	);
}

/**
 * `getMarks` is read on every refresh (the threads change while the editor is open);
 * `setRefresh` hands the owner a function that places the highlights again.
 */
export function commentsPlugin(
	getMarks: () => CommentMark[],
	onPick: (id: string) => void,
	setRefresh: (refresh: () => void) => void
): Plugin {
	return new Plugin({
		key: commentsKey,
		state: {
			init: () => ({ set: DecorationSet.empty }),
			apply(tr, value) {
				const next = tr.getMeta(commentsKey) as { set: DecorationSet } | undefined;
				if (next) return next;
				// Remote changes replace the whole document, which maps every highlight away;
				// the refresh after the change sees that and draws them again.
				return tr.docChanged ? { set: value.set.map(tr.mapping, tr.doc) } : value;
			}
		},
		props: {
			decorations: (state) => commentsKey.getState(state)?.set,
			handleClick(view, pos) {
				const found = commentsKey.getState(view.state)?.set.find(pos, pos) ?? [];
				const hit = found.find((d) => pos >= d.from && pos <= d.to);
				if (hit) onPick((hit.spec as { id: string }).id);
				return false;
			}
		},
		view(view: EditorView) {
			let scheduled = false;
			const refresh = () => {
				scheduled = false;
				if (view.isDestroyed) return;
				const ranges = rangesOf(view.state, getMarks());
				// Only when the highlights would change: every dispatched transaction ends the
				// Yjs undo manager's current group, so redrawing after each keystroke made
				// undo take text back one character at a time.
				const shown = commentsKey.getState(view.state)?.set ?? DecorationSet.empty;
				if (keyOf(ranges) === keyOf(shownRanges(shown))) return;
				view.dispatch(
					view.state.tr
						.setMeta(commentsKey, { set: decorate(view.state, ranges) })
						.setMeta('addToHistory', false)
				);
			};
			const schedule = () => {
				if (scheduled) return;
				scheduled = true;
				queueMicrotask(refresh);
			};
			setRefresh(schedule);
			schedule();
			return {
				update(v, prev) {
					if (!v.state.doc.eq(prev.doc)) schedule();
				}
			};
		}
	});
}
