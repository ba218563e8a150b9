/**
 * A character diff of a passage and its proposed replacement, for the amendment preview.
 * Characters, not words: Chinese has no spaces to split on. The common head and tail are cut
 * first, so a small change in a long passage stays cheap; past a size where the table would
 * cost a phone real time, the middle is shown as removed-then-added whole.
 */
export type DiffPart = { kind: 'same' | 'removed' | 'added'; text: string };

/** Cells of the longest-common-subsequence table beyond which the middle is not diffed. */
const MAX_CELLS = 250_000;

function push(parts: DiffPart[], kind: DiffPart['kind'], text: string) {
	if (!text) return;
	const last = parts.at(-1);
	if (last && last.kind === kind) last.text += text;
	else parts.push({ kind, text });
}

export function diffText(before: string, after: string): DiffPart[] {
	// Array.from splits by code point, so an emoji or a rare CJK character is never cut in two.
	const a = Array.from(before);
	const b = Array.from(after);
	let head = 0;
	while (head < a.length && head < b.length && a[head] === b[head]) head++;
	let tail = 0;
	while (
		tail < a.length - head &&
		tail < b.length - head &&
		a[a.length - 1 - tail] === b[b.length - 1 - tail]
	)
		tail++;
	const parts: DiffPart[] = [];
	push(parts, 'same', a.slice(0, head).join(''));
	const x = a.slice(head, a.length - tail);
	const y = b.slice(head, b.length - tail);
	if (x.length * y.length > MAX_CELLS) {
		push(parts, 'removed', x.join(''));
		push(parts, 'added', y.join(''));
	} else {
		// lcs[i][j]: the longest common subsequence of x[i..] and y[j..].
		const width = y.length + 1;
		const table = new Uint32Array((x.length + 1) * width);
		const lcs = (i: number, j: number) => table[i * width + j] ?? 0;
		for (let i = x.length - 1; i >= 0; i--)
			for (let j = y.length - 1; j >= 0; j--)
				table[i * width + j] =
					x[i] === y[j] ? lcs(i + 1, j + 1) + 1 : Math.max(lcs(i + 1, j), lcs(i, j + 1));
		let i = 0;
		let j = 0;
		while (i < x.length || j < y.length) {
			if (i < x.length && j < y.length && x[i] === y[j]) {
				push(parts, 'same', x[i] ?? '');
				i++;
				j++;
			} else if (i < x.length && (j === y.length || lcs(i + 1, j) >= lcs(i, j + 1))) {
				// Removals first on a tie: the struck words read before the ones replacing them.
				push(parts, 'removed', x[i] ?? '');
				i++;
			} else {
				push(parts, 'added', y[j] ?? '');
				j++;
			}
		}
	}
	push(parts, 'same', a.slice(a.length - tail).join(''));
	return parts;
}
