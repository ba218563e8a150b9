/**
 * Exact fractions for decision rules. Areas are integer hundredths of m² and headcounts are
 * integers, so every comparison is a cross multiplication of integers: "2/3 以上" includes
 * exactly two thirds, and no floating point rounding can move a vote across a bound.
 */
export interface Ratio {
	n: number;
	d: number;
}

export class RatioError extends Error {
	override name = 'RatioError';
}

/** Parses "2/3"; numerator and denominator positive integers with n ≤ d. */
export function parseRatio(text: string): Ratio {
	const match = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(text);
	if (!match) throw new RatioError(`"${text}" is not a ratio like 2/3`);
	const n = Number(match[1]);
	const d = Number(match[2]);
	if (n < 1 || d < 1 || n > d) throw new RatioError(`"${text}" must be between 0 and 1, e.g. 2/3`);
	return { n, d };
}

export const formatRatio = (r: Ratio) => `${r.n}/${r.d}`;

/** part / whole ≥ r, exactly. A zero whole reaches no positive bound. */
export function atLeast(part: number, whole: number, r: Ratio): boolean {
	if (whole <= 0) return false;
	return part * r.d >= whole * r.n;
}

/** part / whole > r, exactly ("过半数" means strictly more than half). */
export function moreThan(part: number, whole: number, r: Ratio): boolean {
	if (whole <= 0) return false;
	return part * r.d > whole * r.n;
}

/** part / whole rounded to 4 decimals, for display only (never for deciding). */
export function share(part: number, whole: number): number {
	return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0;
}

/** m² with at most two decimals → integer hundredths; refuses anything else. */
export function areaToHundredths(text: string): number | null {
	const match = /^\s*(\d{1,7})(?:\.(\d{1,2}))?\s*$/.exec(text);
	if (!match) return null;
	const whole = Number(match[1]);
	const frac = Number((match[2] ?? '').padEnd(2, '0'));
	return whole * 100 + frac;
}

/** Integer hundredths → m² as a JSON number with at most two decimals. */
export const hundredthsToArea = (h: number) => h / 100;
