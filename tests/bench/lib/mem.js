/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/** Memory samples from the server probe, and the least-squares fits the figures are made of. */
import { sleep } from './stats.js';

/**
 * RSS read straight after gc still counts pages V8 hands back to the OS a moment later from a
 * background thread (±30 MB between reads), and malloc trims at its own pace: after gc and
 * 500 ms, `tries` samples 700 ms apart, keeping the lowest RSS (the settled figure) with its heap.
 */
export async function settledMem(probe, tries = 3) {
	let best = null;
	for (let i = 0; i < tries; i++) {
		if (i > 0) await sleep(700);
		const m = await probe('mem', { gc: true, settleMs: 500 });
		if (!best || m.vmRssKb < best.vmRssKb) best = m;
	}
	return best;
}

/** Least-squares slope of y(point) over x(point); null with fewer than two distinct x. */
export function slope(points, x, y) {
	const n = points.length;
	if (n < 2) return null;
	const mx = points.reduce((s, p) => s + x(p), 0) / n;
	const my = points.reduce((s, p) => s + y(p), 0) / n;
	let num = 0;
	let den = 0;
	for (const p of points) {
		num += (x(p) - mx) * (y(p) - my);
		den += (x(p) - mx) ** 2;
	}
	return den === 0 ? null : num / den;
}
