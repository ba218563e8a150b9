import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readMethod, yuanToFen } from './cost-input';
import {
	apportion,
	CostError,
	naturalCompare,
	shortfall,
	summarize,
	type Sharer,
	type SharingMethod
} from './cost-sharing';
import { parseRegister } from './register';

const h = (id: string, floor: number, area: number, unit = `${floor}0${id}`): Sharer => ({
	id,
	building: 'A',
	unit,
	floor,
	area
});
const amounts = (list: Sharer[], total: number, method: SharingMethod) =>
	apportion(list, total, method).map((a) => a.fen);
const coefficients = (o: Record<number, number>) =>
	new Map(Object.entries(o).map(([k, v]) => [Number(k), BigInt(Math.round(v * 10_000))]));
const errorCode = (run: () => unknown) => {
	try {
		run();
	} catch (error) {
		return (error as CostError).code;
	}
	return 'no error';
};

/** mulberry32: a small seeded PRNG, so a failing random case can be replayed. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe('cost sharing: exact amounts', () => {
	it('[COST-1] 100.00 yuan over 3 equal households is 33.34 / 33.33 / 33.33', () => {
		const three = [h('a', 1, 8000), h('b', 1, 8000), h('c', 1, 8000)];
		expect(amounts(three, 10_000, { kind: 'household' })).toEqual([3334, 3333, 3333]);
		expect(amounts(three, 10_000, { kind: 'area' })).toEqual([3334, 3333, 3333]);
	});

	it('[COST-2] leftover fen go to the largest remainders, ties in register order', () => {
		// Areas 1 : 2 : 4 of 1.00 yuan → 14.28…, 28.57…, 57.14… fen.
		const list = [h('a', 1, 100), h('b', 1, 200), h('c', 1, 400)];
		expect(amounts(list, 100, { kind: 'area' })).toEqual([14, 29, 57]);
		// The order given changes nothing: units sort 2 < 10 < 101 as numbers, not as text.
		const units = [h('z', 1, 100, '101'), h('y', 1, 100, '10'), h('x', 1, 100, '2')];
		expect(
			apportion(units, 200, { kind: 'household' }).map((a) => [a.household.unit, a.fen])
		).toEqual([
			['2', 67],
			['10', 67],
			['101', 66]
		]);
		expect(naturalCompare('D栋-2', 'D栋-10')).toBeLessThan(0);
	});

	it('[COST-3] floor coefficients: the ground floor at 0 pays nothing, higher floors more', () => {
		const list = [h('a', 1, 9000), h('b', 2, 9000), h('c', 3, 9000), h('d', 4, 9000)];
		const method: SharingMethod = {
			kind: 'floor',
			coefficients: coefficients({ 1: 0, 2: 1, 3: 1.5, 4: 2 })
		};
		expect(amounts(list, 90_000, method)).toEqual([0, 20_000, 30_000, 40_000]);
		expect(apportion(list, 90_000, method)[0]!.status).toBe('zero');
	});

	it('[COST-4] a floor missing from the coefficients is refused, naming the floor', () => {
		const list = [h('a', 1, 9000), h('b', 7, 9000)];
		expect(
			errorCode(() => apportion(list, 100, { kind: 'floor', coefficients: coefficients({ 1: 1 }) }))
		).toBe('missing_coefficient');
		// An exempt household's floor needs no coefficient.
		expect(
			amounts(list, 100, { kind: 'floor', coefficients: coefficients({ 1: 1 }), exempt: ['b'] })
		).toEqual([100, 0]);
	});

	it('[COST-5] exemptions pay 0 and the rest share the whole total', () => {
		const list = [h('a', 1, 5000), h('b', 2, 5000), h('c', 3, 10_000)];
		expect(amounts(list, 30_001, { kind: 'area', exempt: ['a'] })).toEqual([0, 10_000, 20_001]);
		expect(errorCode(() => apportion(list, 100, { kind: 'area', exempt: ['nobody'] }))).toBe(
			'unknown_household'
		);
		expect(errorCode(() => apportion(list, 100, { kind: 'area', exempt: ['a', 'b', 'c'] }))).toBe(
			'no_households'
		);
	});

	it('[COST-6] a cap redistributes the excess among the uncapped, again and again', () => {
		// 1 000.00 by area 10 : 20 : 30 : 40 → 100, 200, 300, 400; cap 300 → the 400 pays 300,
		// its 100 goes 1 : 2 : 3 to the others → 116.67, 233.33, 350 → 350 is over the cap too,
		// so it pays 300 and the last 400.00 is shared 1 : 2 → 133.333…, 266.666… (the larger
		// remainder gets the fen).
		const list = [h('a', 1, 1000), h('b', 1, 2000), h('c', 1, 3000), h('d', 1, 4000)];
		const result = apportion(list, 100_000, { kind: 'area', cap: 30_000 });
		expect(result.map((a) => a.fen)).toEqual([13_333, 26_667, 30_000, 30_000]);
		expect(result.map((a) => a.status)).toEqual(['share', 'share', 'capped', 'capped']);
	});

	it('[COST-7] a cap that cannot raise the total is refused with a clear message', () => {
		const list = [h('a', 1, 1000), h('b', 1, 2000)];
		let error: CostError | null = null;
		try {
			apportion(list, 100_000, { kind: 'household', cap: 40_000 });
		} catch (e) {
			error = e as CostError;
		}
		expect(error?.code).toBe('cap_infeasible');
		expect(error?.message).toMatch(/800\.00.*1000\.00/);
		// Exactly enough is fine.
		expect(amounts(list, 80_000, { kind: 'area', cap: 40_000 })).toEqual([40_000, 40_000]);
	});

	it('[COST-8] mix: 60 % by area and 40 % by floor coefficients, one rounding', () => {
		const list = [h('a', 1, 10_000), h('b', 2, 10_000), h('c', 3, 20_000)];
		const method: SharingMethod = {
			kind: 'mix',
			areaShare: 6000,
			coefficients: coefficients({ 1: 0, 2: 1, 3: 3 })
		};
		// area part 600.00 → 150, 150, 300; floor part 400.00 → 0, 100, 300.
		expect(amounts(list, 100_000, method)).toEqual([15_000, 25_000, 60_000]);
		// areaShare 1 is the area method, 0 the floor method.
		expect(amounts(list, 100_001, { ...method, areaShare: 10_000 })).toEqual(
			amounts(list, 100_001, { kind: 'area' })
		);
		expect(amounts(list, 100_001, { ...method, areaShare: 0 })).toEqual(
			amounts(list, 100_001, { kind: 'floor', coefficients: method.coefficients })
		);
	});

	it('[COST-9] the same input gives the same amounts, whatever the order of households', () => {
		const random = prng(7);
		const list = Array.from({ length: 50 }, (_, i) =>
			h(`h${i}`, 1 + (i % 6), 5000 + Math.floor(random() * 10_000))
		);
		const method: SharingMethod = { kind: 'area', cap: 400_000 };
		const first = apportion(list, 12_345_679, method);
		const shuffled = [...list].sort(() => random() - 0.5);
		expect(apportion(shuffled, 12_345_679, method)).toEqual(first);
		expect(apportion(list, 12_345_679, method)).toEqual(first);
	});

	it('[COST-10] the demo register at 15 yuan/m² reproduces the 300 930.00 yuan levy', () => {
		const text = readFileSync(
			new URL('../../../../tests/fixtures/heping-garden-block-d.csv', import.meta.url),
			'utf8'
		);
		const { rows } = parseRegister(text);
		const list = rows.map((r, i) => ({ ...r, id: `d${i}` }));
		const result = apportion(list, 30_093_000, { kind: 'area' });
		expect(result.reduce((s, a) => s + a.fen, 0)).toBe(30_093_000);
		// Every household pays exactly 15 yuan per m²: area in hundredths × 15 = fen.
		for (const a of result) expect(a.fen).toBe(a.household.area * 15);
		// The lift case's own figures: 895 000 cost, 856 000 fund, 124 000 reserve → 163 000 short.
		expect(shortfall(89_500_000, 85_600_000, 12_400_000)).toBe(16_300_000);
		const summary = summarize(result);
		expect(summary.households).toBe(192);
		expect(summary.byFloor.size).toBe(24);
	});
});

describe('cost sharing: input', () => {
	it('[COST-11] yuan take at most two decimals; negatives, NaN and 3 decimals are refused', () => {
		expect(yuanToFen(300_930)).toBe(30_093_000);
		expect(yuanToFen(100.1)).toBe(10_010);
		expect(yuanToFen(0.07)).toBe(7);
		expect(yuanToFen(1.005)).toBeNull();
		expect(yuanToFen(-1)).toBeNull();
		expect(yuanToFen(Number.NaN)).toBeNull();
		expect(yuanToFen('100')).toBeNull();
		expect(yuanToFen(1e20)).toBeNull();
	});

	it('[COST-12] methods are read exactly; bad ones name the field', () => {
		const mix = readMethod({ kind: 'mix', areaShare: 0.35, coefficients: { '1': 0, 2: 1.25 } });
		expect(mix).toMatchObject({ kind: 'mix', areaShare: 3500 });
		expect(mix.kind === 'mix' && mix.coefficients.get(2)).toBe(12_500n);
		expect(() => readMethod({ kind: 'mix', areaShare: 1.5, coefficients: {} })).toThrow(
			/areaShare/
		);
		expect(() => readMethod({ kind: 'floor', coefficients: { x: 1 } })).toThrow(/floor number/);
		expect(() => readMethod({ kind: 'floor', coefficients: { 1: -1 } })).toThrow(/coefficients/);
		expect(() => readMethod({ kind: 'area', cap: 1.234 })).toThrow(/cap/);
		expect(() => readMethod({ kind: 'rent' })).toThrow(/kind/);
	});
});

describe('cost sharing: properties over random registers (seeded)', () => {
	const methods = (random: () => number, floors: number): SharingMethod[] => {
		const c = new Map<number, bigint>();
		let level = 0n;
		for (let f = 1; f <= floors; f++) {
			level += BigInt(Math.floor(random() * 5000));
			c.set(f, level); // non-decreasing with the floor
		}
		return [
			{ kind: 'area' },
			{ kind: 'household' },
			{ kind: 'floor', coefficients: c },
			{ kind: 'mix', areaShare: Math.floor(random() * 10_001), coefficients: c }
		];
	};

	it('[COST-13] amounts sum to the total, are never negative and stay within a fen of the exact share', () => {
		for (let seed = 1; seed <= 60; seed++) {
			const random = prng(seed);
			const floors = 1 + Math.floor(random() * 30);
			const n = 1 + Math.floor(random() * 120);
			const list = Array.from({ length: n }, (_, i) =>
				h(`h${i}`, 1 + Math.floor(random() * floors), 1 + Math.floor(random() * 30_000))
			);
			const total = Math.floor(random() * 100_000_000);
			for (const method of methods(random, floors)) {
				let result;
				try {
					result = apportion(list, total, method);
				} catch (error) {
					// Only a floor method whose every coefficient is 0 may refuse.
					expect((error as CostError).code, `seed ${seed}`).toBe('zero_weights');
					continue;
				}
				expect(
					result.reduce((s, a) => s + a.fen, 0),
					`seed ${seed} ${method.kind}`
				).toBe(total);
				for (const a of result) expect(a.fen).toBeGreaterThanOrEqual(0);
				if (method.kind === 'area') {
					const sumArea = list.reduce((s, x) => s + x.area, 0);
					for (const a of result) {
						expect(Math.abs(a.fen - (total * a.household.area) / sumArea)).toBeLessThan(1.000001);
					}
				}
			}
		}
	});

	it('[COST-14] monotonic: more area never pays less (area); a higher floor never pays less (floor)', () => {
		for (let seed = 100; seed < 140; seed++) {
			const random = prng(seed);
			const floors = 2 + Math.floor(random() * 20);
			const list = Array.from({ length: 80 }, (_, i) =>
				h(`h${i}`, 1 + Math.floor(random() * floors), 1 + Math.floor(random() * 20_000))
			);
			const total = 1 + Math.floor(random() * 50_000_000);
			const [area, , floor] = methods(random, floors);
			const cap = Math.ceil(total / 40) + Math.floor(random() * total);
			for (const [method, key] of [
				[area!, 'area'],
				[{ ...area!, cap }, 'area'],
				[floor!, 'floor']
			] as const) {
				const result = apportion(list, total, method);
				const sorted = [...result].sort(
					(x, y) => x.household[key] - y.household[key] || x.fen - y.fen
				);
				for (let i = 1; i < sorted.length; i++) {
					expect(sorted[i]!.fen, `seed ${seed} ${key}`).toBeGreaterThanOrEqual(sorted[i - 1]!.fen);
				}
				if (method.cap) for (const a of result) expect(a.fen).toBeLessThanOrEqual(method.cap);
			}
		}
	});

	it('[COST-15] infeasible caps are refused, feasible ones always hold', () => {
		for (let seed = 200; seed < 230; seed++) {
			const random = prng(seed);
			const n = 1 + Math.floor(random() * 50);
			const list = Array.from({ length: n }, (_, i) =>
				h(`h${i}`, 1, 1 + Math.floor(random() * 20_000))
			);
			const total = 1 + Math.floor(random() * 10_000_000);
			const cap = 1 + Math.floor(random() * (2 * Math.ceil(total / n)));
			if (cap * n < total) {
				expect(errorCode(() => apportion(list, total, { kind: 'area', cap }))).toBe(
					'cap_infeasible'
				);
			} else {
				const result = apportion(list, total, { kind: 'area', cap });
				expect(result.reduce((s, a) => s + a.fen, 0)).toBe(total);
				for (const a of result) expect(a.fen).toBeLessThanOrEqual(cap);
			}
		}
	});
});
