/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Small statistics helpers for the benchmark: nearest-rank percentiles over raw samples
 * (milliseconds unless said otherwise). With fewer than 100 samples p99 is the maximum.
 */

/** @param {number[]} values @param {number} p 0..100 */
export function percentile(values, p) {
	if (values.length === 0) return null;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.ceil((p / 100) * sorted.length);
	return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * @param {number[]} values
 * @returns {{n:number, p50:number|null, p90:number|null, p99:number|null, max:number|null, mean:number|null}}
 */
export function summarize(values) {
	const n = values.length;
	if (n === 0) return { n, p50: null, p90: null, p99: null, max: null, mean: null };
	return {
		n,
		p50: round(percentile(values, 50)),
		p90: round(percentile(values, 90)),
		p99: round(percentile(values, 99)),
		max: round(Math.max(...values)),
		mean: round(values.reduce((s, v) => s + v, 0) / n)
	};
}

/** @param {number|null|undefined} v @param {number} [digits] */
export function round(v, digits = 3) {
	if (v === null || v === undefined || !Number.isFinite(v)) return v ?? null;
	const f = 10 ** digits;
	return Math.round(v * f) / f;
}

/** @param {number|null} a @param {number|null} b */
export function ratio(a, b) {
	if (a === null || b === null || b === 0) return null;
	return round(a / b, 2);
}

export const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `fn` over `items` with at most `limit` in flight; answers results in order. */
export async function pool(items, limit, fn) {
	const out = new Array(items.length);
	let next = 0;
	const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
		while (next < items.length) {
			const i = next++;
			out[i] = await fn(items[i], i);
		}
	});
	await Promise.all(workers);
	return out;
}

/** Milliseconds since an arbitrary origin, comparable ACROSS processes (CLOCK_MONOTONIC). */
export function monoMs() {
	return Number(process.hrtime.bigint()) / 1e6;
}
