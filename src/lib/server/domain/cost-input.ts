/**
 * Reading a cost scheme as clients send it (src/lib/protocol/REFERENCE.md §12): money in yuan as
 * JSON numbers with at most two decimals, coefficients and the area share as decimals. Every
 * value becomes an exact integer here, or the input is refused with a code the client can act on.
 */
import {
	COEFFICIENT_SCALE,
	SHARE_SCALE,
	toScaled,
	type Coefficients,
	type SharingMethod
} from './cost-sharing';

/** One billion yuan: far above any levy, far below Number.MAX_SAFE_INTEGER fen. */
export const MAX_YUAN_FEN = 100_000_000_000;
const MAX_COEFFICIENT = 1_000;

export class CostInputError extends Error {
	override name = 'CostInputError';
	constructor(
		readonly code: 'invalid_total' | 'invalid_amount' | 'invalid_method',
		message: string
	) {
		super(message);
	}
}

/** Yuan with at most two decimals → fen; null for a negative, NaN, 3 decimals, or too large. */
export function yuanToFen(value: unknown): number | null {
	const fen = toScaled(value, 2);
	if (fen === null || fen > BigInt(MAX_YUAN_FEN)) return null;
	return Number(fen);
}

/** Fen → yuan as a JSON number (two decimals at most; 3334 → 33.34). */
export const fenToYuan = (fen: number) => fen / 100;

const bad = (message: string) => new CostInputError('invalid_method', message);

const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

function readCoefficients(value: unknown): Coefficients {
	if (!isRecord(value)) throw bad('method.coefficients: an object {<floor>: number}');
	const map = new Map<number, bigint>();
	const entries = Object.entries(value);
	if (entries.length === 0 || entries.length > 400)
		throw bad('method.coefficients: one entry per floor');
	for (const [key, raw] of entries) {
		if (!/^-?\d{1,3}$/.test(key)) throw bad(`method.coefficients: "${key}" is not a floor number`);
		const scaled = toScaled(raw, 4);
		if (scaled === null || scaled > BigInt(MAX_COEFFICIENT * COEFFICIENT_SCALE)) {
			throw bad(
				`method.coefficients.${key}: a number from 0 to ${MAX_COEFFICIENT} with at most 4 decimals`
			);
		}
		map.set(Number(key), scaled);
	}
	return map;
}

function readExempt(value: unknown): string[] | undefined {
	if (value === undefined) return undefined;
	if (!Array.isArray(value) || value.length > 20_000 || value.some((x) => typeof x !== 'string')) {
		throw bad('method.exempt: a list of household ids');
	}
	return [...new Set(value as string[])];
}

/**
 * The method as the API takes it → the exact form `apportion` uses. The stored copy is the
 * client's JSON as given (normalized): see `methodJson`.
 */
export function readMethod(value: unknown): SharingMethod {
	if (!isRecord(value)) throw bad('method: an object with a kind');
	const exempt = readExempt(value.exempt);
	let cap: number | undefined;
	if (value.cap !== undefined && value.cap !== null) {
		const fen = yuanToFen(value.cap);
		if (fen === null || fen === 0)
			throw bad('method.cap: yuan per household, above 0, at most two decimals');
		cap = fen;
	}
	const extra = { ...(exempt ? { exempt } : {}), ...(cap !== undefined ? { cap } : {}) };
	switch (value.kind) {
		case 'area':
		case 'household':
			return { kind: value.kind, ...extra };
		case 'floor':
			return { kind: 'floor', coefficients: readCoefficients(value.coefficients), ...extra };
		case 'mix': {
			const share = toScaled(value.areaShare, 4);
			if (share === null || share > BigInt(SHARE_SCALE)) {
				throw bad('method.areaShare: a number from 0 to 1 with at most 4 decimals');
			}
			return {
				kind: 'mix',
				areaShare: Number(share),
				coefficients: readCoefficients(value.coefficients),
				...extra
			};
		}
		default:
			throw bad('method.kind: one of area, household, floor, mix');
	}
}

/** The method back in the API's JSON form (what GET answers and what is stored). */
export function methodJson(method: SharingMethod): Record<string, unknown> {
	const out: Record<string, unknown> = { kind: method.kind };
	if (method.kind === 'mix') out.areaShare = method.areaShare / SHARE_SCALE;
	if (method.kind === 'floor' || method.kind === 'mix') {
		out.coefficients = Object.fromEntries(
			[...method.coefficients.entries()]
				.sort(([a], [b]) => a - b)
				.map(([floor, c]) => [String(floor), Number(c) / COEFFICIENT_SCALE])
		);
	}
	if (method.exempt?.length) out.exempt = [...method.exempt];
	if (method.cap !== undefined) out.cap = fenToYuan(method.cap);
	return out;
}
