/**
 * Amendments (修改建议): rules that decide what a merge does to the other amendments and in
 * which order they are taken. Passages are ProseMirror-style positions read from the proposal
 * document at the moment of the decision (see `anchors.ts`).
 */

export type AmendmentStatus = 'open' | 'accepted' | 'rejected' | 'stale';

export interface Range {
	from: number;
	to: number;
}

/**
 * Two passages overlap when they share at least one character; passages that only touch
 * (one ends where the other begins) do not. A collapsed passage (its text was deleted) overlaps
 * a passage it lies strictly inside.
 */
export function overlaps(a: Range, b: Range): boolean {
	return a.from < b.to && b.from < a.to;
}

/**
 * The open amendments a merge of `merged` makes stale: those whose passage overlaps it. The
 * merged one itself is not counted; those no longer pointing into the document are left to
 * the reader (their quote reads "").
 */
export function staleAfterMerge(
	merged: { id: string; range: Range },
	others: { id: string; status: AmendmentStatus; range: Range | null }[]
): string[] {
	return others
		.filter(
			(o) =>
				o.id !== merged.id &&
				o.status === 'open' &&
				o.range !== null &&
				overlaps(o.range, merged.range)
		)
		.map((o) => o.id);
}

/**
 * Document order: by where the passage begins now, then by when the amendment was proposed;
 * amendments whose passage no longer resolves come last.
 */
export function documentOrder<T extends { id: string; range: Range | null; createdAt: Date }>(
	list: T[]
): T[] {
	return [...list].sort(
		(a, b) =>
			(a.range?.from ?? Number.MAX_SAFE_INTEGER) - (b.range?.from ?? Number.MAX_SAFE_INTEGER) ||
			a.createdAt.getTime() - b.createdAt.getTime() ||
			(a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
	);
}

export type Decision = 'accept' | 'reject';

/** Only an open amendment can be decided; anything else is a step out of order. */
export function decide(status: AmendmentStatus, decision: Decision): AmendmentStatus | null {
	if (status !== 'open') return null;
	return decision === 'accept' ? 'accepted' : 'rejected';
}

/** Whether a passage can still be merged: it resolves and holds at least one character. */
export function mergeable(range: Range | null, quote: string): range is Range {
	return range !== null && range.to > range.from && quote.length > 0;
}
