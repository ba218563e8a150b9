/**
 * A small text diff for proposal history. Proposals are short Chinese texts, one line
 * per block: lines are matched first (LCS over lines), then each changed line is compared with
 * the line it replaced by an LCS over tokens — a Chinese character, or a run of Latin letters
 * and digits (so "15元" changing to "20元" marks "15"→"20", not single digits).
 */

export type DiffOpType = 'equal' | 'insert' | 'delete';

export interface DiffOp {
	type: DiffOpType;
	text: string;
}

/**
 * One line of the result: `equal` (unchanged), `added` / `removed` (whole line), or `changed`
 * (a line edited in place; its ops mark what was inserted and deleted inside it).
 */
export interface DiffLine {
	kind: 'equal' | 'added' | 'removed' | 'changed';
	ops: DiffOp[];
}

/** Beyond this many LCS cells a block is shown as replaced wholesale instead of compared. */
const MAX_CELLS = 4_000_000;

/** Splits into tokens: runs of ASCII letters/digits together, every other code point alone. */
export function tokenize(text: string): string[] {
	const out: string[] = [];
	let run = '';
	for (const ch of text) {
		if (/[A-Za-z0-9]/.test(ch)) {
			run += ch;
			continue;
		}
		if (run) {
			out.push(run);
			run = '';
		}
		out.push(ch);
	}
	if (run) out.push(run);
	return out;
}

type Edit<T> = { type: DiffOpType; value: T };

/** LCS-based edit script between two sequences (common prefix and suffix trimmed first). */
function lcs<T>(a: readonly T[], b: readonly T[]): Edit<T>[] {
	let start = 0;
	while (start < a.length && start < b.length && a[start] === b[start]) start++;
	let endA = a.length;
	let endB = b.length;
	while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
		endA--;
		endB--;
	}
	const head: Edit<T>[] = a.slice(0, start).map((value) => ({ type: 'equal', value }));
	const tail: Edit<T>[] = a.slice(endA).map((value) => ({ type: 'equal', value }));
	const x = a.slice(start, endA);
	const y = b.slice(start, endB);
	const n = x.length;
	const m = y.length;
	const middle: Edit<T>[] = [];
	if (n * m > MAX_CELLS) {
		for (const value of x) middle.push({ type: 'delete', value });
		for (const value of y) middle.push({ type: 'insert', value });
		return [...head, ...middle, ...tail];
	}
	// table[i][j] = LCS length of x[i..] and y[j..], in one flat array.
	const width = m + 1;
	const table = new Uint32Array((n + 1) * width);
	for (let i = n - 1; i >= 0; i--) {
		for (let j = m - 1; j >= 0; j--) {
			table[i * width + j] =
				x[i] === y[j]
					? table[(i + 1) * width + j + 1]! + 1
					: Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
		}
	}
	let i = 0;
	let j = 0;
	while (i < n && j < m) {
		if (x[i] === y[j]) {
			middle.push({ type: 'equal', value: x[i]! });
			i++;
			j++;
		} else if (table[(i + 1) * width + j]! >= table[i * width + j + 1]!) {
			middle.push({ type: 'delete', value: x[i]! });
			i++;
		} else {
			middle.push({ type: 'insert', value: y[j]! });
			j++;
		}
	}
	while (i < n) middle.push({ type: 'delete', value: x[i++]! });
	while (j < m) middle.push({ type: 'insert', value: y[j++]! });
	return [...head, ...middle, ...tail];
}

/** Joins neighbouring ops of one type; within a change, deletions come before insertions. */
function merge(ops: DiffOp[]): DiffOp[] {
	const out: DiffOp[] = [];
	let del = '';
	let ins = '';
	const flush = () => {
		if (del) out.push({ type: 'delete', text: del });
		if (ins) out.push({ type: 'insert', text: ins });
		del = '';
		ins = '';
	};
	for (const op of ops) {
		if (!op.text) continue;
		if (op.type === 'delete') del += op.text;
		else if (op.type === 'insert') ins += op.text;
		else {
			flush();
			const last = out[out.length - 1];
			if (last?.type === 'equal') last.text += op.text;
			else out.push({ type: 'equal', text: op.text });
		}
	}
	flush();
	return out;
}

/**
 * A single unchanged character stranded between two changes reads as noise ("把[旧]的[新]");
 * folding it into the change on both sides reads as one replaced phrase.
 */
function cleanup(ops: DiffOp[]): DiffOp[] {
	const out: DiffOp[] = [];
	for (let k = 0; k < ops.length; k++) {
		const op = ops[k]!;
		const before = ops[k - 1];
		const after = ops[k + 1];
		if (
			op.type === 'equal' &&
			[...op.text].length === 1 &&
			before &&
			before.type !== 'equal' &&
			after &&
			after.type !== 'equal'
		) {
			out.push({ type: 'delete', text: op.text }, { type: 'insert', text: op.text });
		} else out.push(op);
	}
	return merge(out);
}

/** Inline diff of two strings: what was kept, deleted and inserted. */
export function diffInline(a: string, b: string): DiffOp[] {
	const edits = lcs(tokenize(a), tokenize(b));
	return cleanup(merge(edits.map((e) => ({ type: e.type, text: e.value }))));
}

/** Whether a line was edited rather than replaced: at least half of the shorter side stayed. */
function similar(ops: readonly DiffOp[]): boolean {
	let kept = 0;
	let before = 0;
	let after = 0;
	for (const op of ops) {
		const length = [...op.text].length;
		if (op.type === 'equal') kept += length;
		if (op.type !== 'insert') before += length;
		if (op.type !== 'delete') after += length;
	}
	const shorter = Math.min(before, after);
	return shorter === 0 ? kept === 0 : kept * 2 >= shorter;
}

/** Line-by-line diff; lines edited in place carry an inline diff. */
export function diffText(a: string, b: string): DiffLine[] {
	const linesA = a === '' ? [] : a.split('\n');
	const linesB = b === '' ? [] : b.split('\n');
	const edits = lcs(linesA, linesB);
	const out: DiffLine[] = [];
	let removed: string[] = [];
	let added: string[] = [];
	const flush = () => {
		// Pair removed and added lines in order: each pair is a line edited in place.
		const pairs = Math.min(removed.length, added.length);
		for (let k = 0; k < pairs; k++) {
			const ops = diffInline(removed[k]!, added[k]!);
			if (similar(ops)) out.push({ kind: 'changed', ops });
			else {
				out.push({ kind: 'removed', ops: [{ type: 'delete', text: removed[k]! }] });
				out.push({ kind: 'added', ops: [{ type: 'insert', text: added[k]! }] });
			}
		}
		for (const line of removed.slice(pairs))
			out.push({ kind: 'removed', ops: [{ type: 'delete', text: line }] });
		for (const line of added.slice(pairs))
			out.push({ kind: 'added', ops: [{ type: 'insert', text: line }] });
		removed = [];
		added = [];
	};
	for (const e of edits) {
		if (e.type === 'delete') removed.push(e.value);
		else if (e.type === 'insert') added.push(e.value);
		else {
			flush();
			out.push({ kind: 'equal', ops: [{ type: 'equal', text: e.value }] });
		}
	}
	flush();
	return out;
}

/** How much changed: inserted and deleted characters (code points). */
export function diffStats(lines: readonly DiffLine[]): { inserted: number; deleted: number } {
	let inserted = 0;
	let deleted = 0;
	for (const line of lines) {
		for (const op of line.ops) {
			if (op.type === 'insert') inserted += [...op.text].length;
			if (op.type === 'delete') deleted += [...op.text].length;
		}
	}
	return { inserted, deleted };
}
