/**
 * Who pays what: a total in fen apportioned among households, exactly (src/lib/protocol/REFERENCE.md
 * §12). Pure: no I/O, no clock, no floating point in the
 * money path — weights and amounts are BigInt, so the same input always gives the same fen.
 *
 * Methods: by exclusive area, equal per household, by floor coefficients, or a mix (a share of
 * the total by area, the rest by floor coefficients), each with exemptions and a cap per
 * household. The exact share of household i is  R × wᵢ / W  (R the amount left to the uncapped
 * households, W the sum of their weights).
 *
 * Rounding (largest remainder, Hamilton's method): every household first gets its exact share
 * rounded down to the fen; the fen still missing to reach the total — fewer than the number of
 * households — go one each to the households with the largest remainders. Ties in the remainder
 * go to the household that comes first in the register order (building, then unit compared
 * with numbers as numbers, then id). So no household is more than one fen from its exact share,
 * amounts always add up to the total, a larger exact share never gets a smaller amount, and
 * the order households are given in changes nothing.
 *
 * Caps: a household whose exact share exceeds the cap pays the cap; what it does not pay is
 * shared again among the others by the same weights, repeated until nobody is over the cap
 * (water filling). A cap that cannot raise the total is refused, not silently lowered.
 */

export interface Sharer {
	id: string;
	building: string;
	unit: string;
	floor: number;
	/** Exclusive area in hundredths of m². */
	area: number;
}

/** Floor → coefficient, scaled by COEFFICIENT_SCALE (1.25 → 12 500). */
export type Coefficients = ReadonlyMap<number, bigint>;

export type MethodCore =
	| { kind: 'area' }
	| { kind: 'household' }
	| { kind: 'floor'; coefficients: Coefficients }
	/** areaShare in 1/SHARE_SCALE of the total (0.6 → 6 000). */
	| { kind: 'mix'; areaShare: number; coefficients: Coefficients };

export type SharingMethod = MethodCore & {
	exempt?: readonly string[];
	/** Fen per household. */
	cap?: number;
};

export type Status = 'share' | 'capped' | 'exempt' | 'zero';

export interface Amount {
	household: Sharer;
	fen: number;
	status: Status;
}

export type CostErrorCode =
	| 'no_households'
	| 'missing_coefficient'
	| 'zero_weights'
	| 'cap_infeasible'
	| 'unknown_household'
	| 'invalid_method';

export class CostError extends Error {
	override name = 'CostError';
	constructor(
		readonly code: CostErrorCode,
		message: string
	) {
		super(message);
	}
}

export const COEFFICIENT_SCALE = 10_000;
export const SHARE_SCALE = 10_000;

/**
 * A JSON number with at most `places` decimals → that number × 10^places as an integer, or null.
 * Reads the number's shortest decimal form, so 0.1 is 1/10 exactly, never 0.1000000000000000055.
 */
export function toScaled(value: unknown, places: number): bigint | null {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return null;
	const text = String(value);
	const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
	if (!match) return null;
	const decimals = match[2] ?? '';
	if (decimals.length > places) return null;
	return BigInt(match[1]! + decimals.padEnd(places, '0'));
}

/** Compares unit labels with runs of digits as numbers: 101 < 102 < 1001, 2单元 < 10单元. */
export function naturalCompare(a: string, b: string): number {
	const pa = a.match(/\d+|\D+/g) ?? [];
	const pb = b.match(/\d+|\D+/g) ?? [];
	for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
		const x = pa[i]!;
		const y = pb[i]!;
		if (x === y) continue;
		const dx = /^\d/.test(x);
		const dy = /^\d/.test(y);
		if (dx && dy) {
			const nx = x.replace(/^0+(?=\d)/, '');
			const ny = y.replace(/^0+(?=\d)/, '');
			if (nx.length !== ny.length) return nx.length - ny.length;
			if (nx !== ny) return nx < ny ? -1 : 1;
			return x.length - y.length;
		}
		return x < y ? -1 : 1;
	}
	return pa.length - pb.length;
}

/** The register order that breaks ties: building, unit (numbers as numbers), id. */
export function registerOrder(a: Sharer, b: Sharer): number {
	if (a.building !== b.building) return a.building < b.building ? -1 : 1;
	const unit = naturalCompare(a.unit, b.unit);
	if (unit !== 0) return unit;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function coefficientOf(coefficients: Coefficients, floor: number): bigint {
	const c = coefficients.get(floor);
	if (c === undefined) throw new Error(`no coefficient for floor ${floor}`);
	return c;
}

/** Weights of the paying households, as integers over one common denominator. */
function weights(payers: Sharer[], method: MethodCore): bigint[] {
	switch (method.kind) {
		case 'area':
			return payers.map((h) => BigInt(h.area));
		case 'household':
			return payers.map(() => 1n);
		case 'floor':
			return payers.map((h) => coefficientOf(method.coefficients, h.floor));
		case 'mix': {
			// a·areaᵢ/ΣA + (1−a)·cᵢ/ΣC over the common denominator SHARE_SCALE·ΣA·ΣC.
			const a = BigInt(method.areaShare);
			const rest = BigInt(SHARE_SCALE) - a;
			const areas = payers.map((h) => BigInt(h.area));
			const coefs = payers.map((h) => coefficientOf(method.coefficients, h.floor));
			const sumA = areas.reduce((s, x) => s + x, 0n);
			const sumC = coefs.reduce((s, x) => s + x, 0n);
			if (rest === 0n) return areas;
			if (a === 0n) return coefs;
			if (sumC === 0n) {
				throw new CostError(
					'zero_weights',
					'every floor coefficient of the paying households is 0, so the floor part cannot be shared'
				);
			}
			return payers.map((_, i) => a * areas[i]! * sumC + rest * coefs[i]! * sumA);
		}
	}
}

function missingFloors(households: Sharer[], method: MethodCore): number[] {
	if (method.kind !== 'floor' && method.kind !== 'mix') return [];
	if (method.kind === 'mix' && method.areaShare === SHARE_SCALE) return [];
	const missing = new Set<number>();
	for (const h of households) if (!method.coefficients.has(h.floor)) missing.add(h.floor);
	return [...missing].sort((x, y) => x - y);
}

const yuan = (fen: bigint | number) => (Number(fen) / 100).toFixed(2);

/**
 * Apportions `totalFen` among `households` by `method`. Amounts come back in register order,
 * one per household (exempt ones at 0), and always sum to `totalFen`.
 */
export function apportion(
	households: readonly Sharer[],
	totalFen: number,
	method: SharingMethod
): Amount[] {
	if (!Number.isSafeInteger(totalFen) || totalFen < 0) {
		throw new CostError('invalid_method', 'the total must be a whole number of fen, not negative');
	}
	const ordered = [...households].sort(registerOrder);
	if (ordered.length === 0) throw new CostError('no_households', 'no household shares this cost');
	const known = new Set(ordered.map((h) => h.id));
	const exempt = new Set(method.exempt ?? []);
	const stranger = [...exempt].find((id) => !known.has(id));
	if (stranger) {
		throw new CostError(
			'unknown_household',
			`exempt household ${stranger} does not share this cost`
		);
	}
	const payers = ordered.filter((h) => !exempt.has(h.id));
	if (payers.length === 0 && totalFen > 0) {
		throw new CostError('no_households', 'every household is exempt, so nobody pays');
	}
	const missing = missingFloors(payers, method);
	if (missing.length) {
		throw new CostError(
			'missing_coefficient',
			`no coefficient for floor ${missing.join(', ')}: give one for every floor of the paying households (0 to exempt a floor)`
		);
	}
	const w = weights(payers, method);
	const fen = new Map<string, bigint>();
	const status = new Map<string, Status>();
	for (const h of ordered) {
		fen.set(h.id, 0n);
		status.set(h.id, exempt.has(h.id) ? 'exempt' : 'zero');
	}
	let active = payers.map((h, i) => ({ h, w: w[i]! })).filter((p) => p.w > 0n);
	if (active.length === 0 && totalFen > 0) {
		throw new CostError('zero_weights', 'every paying household has a weight of 0');
	}
	const total = BigInt(totalFen);
	const cap = method.cap === undefined ? null : BigInt(method.cap);
	if (cap !== null && cap * BigInt(active.length) < total) {
		throw new CostError(
			'cap_infeasible',
			`a cap of ${yuan(cap)} yuan on ${active.length} paying households raises at most ${yuan(cap * BigInt(active.length))}, less than the total ${yuan(total)}`
		);
	}
	let rest = total;
	if (cap !== null) {
		for (;;) {
			const sum = active.reduce((s, p) => s + p.w, 0n);
			const over = active.filter((p) => rest * p.w > cap * sum);
			if (over.length === 0) break;
			for (const p of over) {
				fen.set(p.h.id, cap);
				status.set(p.h.id, 'capped');
				rest -= cap;
			}
			const capped = new Set(over);
			active = active.filter((p) => !capped.has(p));
			// The up-front check makes this unreachable; kept so a bug cannot loop or mint fen.
			if (active.length === 0 && rest > 0n) {
				throw new CostError('cap_infeasible', 'the cap leaves part of the total unpaid');
			}
		}
	}
	const sum = active.reduce((s, p) => s + p.w, 0n);
	const parts = active.map((p, index) => ({
		p,
		index,
		whole: (rest * p.w) / sum,
		remainder: (rest * p.w) % sum
	}));
	let left = rest - parts.reduce((s, x) => s + x.whole, 0n);
	const byRemainder = [...parts].sort((x, y) =>
		x.remainder === y.remainder ? x.index - y.index : x.remainder > y.remainder ? -1 : 1
	);
	const extra = new Set<number>();
	for (const x of byRemainder) {
		if (left === 0n) break;
		extra.add(x.index);
		left -= 1n;
	}
	for (const x of parts) {
		fen.set(x.p.h.id, x.whole + (extra.has(x.index) ? 1n : 0n));
		status.set(x.p.h.id, 'share');
	}
	return ordered.map((h) => ({
		household: h,
		fen: Number(fen.get(h.id)!),
		status: status.get(h.id)!
	}));
}

/** Shortfall the levy has to raise: the cost, less what the fund may spend above its reserve. */
export function shortfall(costFen: number, fundBalanceFen: number, reserveFen: number): number {
	return costFen - Math.max(0, fundBalanceFen - reserveFen);
}

export interface FloorSummary {
	min: number;
	max: number;
	typical: number;
	households: number;
}

/** Min / typical (median, the lower middle one) / max fen of each floor; no household named. */
export function summarize(amounts: readonly Amount[]): {
	households: number;
	min: number;
	max: number;
	byFloor: Map<number, FloorSummary>;
} {
	const perFloor = new Map<number, number[]>();
	for (const a of amounts) {
		const list = perFloor.get(a.household.floor) ?? [];
		list.push(a.fen);
		perFloor.set(a.household.floor, list);
	}
	const byFloor = new Map<number, FloorSummary>();
	for (const floor of [...perFloor.keys()].sort((x, y) => x - y)) {
		const list = perFloor.get(floor)!.sort((x, y) => x - y);
		byFloor.set(floor, {
			min: list[0]!,
			max: list[list.length - 1]!,
			typical: list[Math.floor((list.length - 1) / 2)]!,
			households: list.length
		});
	}
	const all = amounts.map((a) => a.fen);
	return {
		households: amounts.length,
		min: all.length ? Math.min(...all) : 0,
		max: all.length ? Math.max(...all) : 0,
		byFloor
	};
}
