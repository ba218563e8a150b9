import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { evaluate, validateRule, type RuleInput, type Weight } from './decision-rules';
import { areaToHundredths, atLeast, moreThan, parseRatio } from './ratio';

const w = (headcount: number, area = 0): Weight => ({ headcount, area });
const input = (yes: Weight, no: Weight, cast: Weight, eligible: Weight): RuleInput => ({
	yes,
	no,
	cast,
	eligible
});
const check = (r: ReturnType<typeof evaluate>, name: string) =>
	r.checks.find((c) => c.name === name)!;

describe('exact ratios', () => {
	it('[RATIO-1] "以上" includes the bound itself and "过半数" is strictly more than half', () => {
		const twoThirds = parseRatio('2/3');
		expect(atLeast(2, 3, twoThirds)).toBe(true);
		expect(atLeast(199_999, 300_000, twoThirds)).toBe(false);
		expect(moreThan(1, 2, { n: 1, d: 2 })).toBe(false);
		expect(moreThan(50_001, 100_000, { n: 1, d: 2 })).toBe(true);
	});

	it('[RATIO-2] areas are integer hundredths of m²; anything else is refused', () => {
		expect(areaToHundredths('88.50')).toBe(8850);
		expect(areaToHundredths('104.2')).toBe(10420);
		expect(areaToHundredths('70')).toBe(7000);
		for (const bad of ['-1', '1.234', 'abc', '', '1e3', '12,5'])
			expect(areaToHundredths(bad)).toBeNull();
	});

	it('[RATIO-3] a ratio must be a fraction between 0 and 1', () => {
		expect(parseRatio(' 3 / 4 ')).toEqual({ n: 3, d: 4 });
		for (const bad of ['4/3', '0/2', '2/0', '0.66', 'two thirds'])
			expect(() => parseRatio(bad)).toThrow();
	});
});

describe('majority_cast', () => {
	it('[VOTE-MAJ-1] passes with more yes than no among ballots cast, abstentions aside', () => {
		expect(evaluate({ kind: 'majority_cast' }, input(w(5), w(4), w(20), w(100))).passed).toBe(true);
	});
	it('[VOTE-MAJ-2] a tie fails', () => {
		expect(evaluate({ kind: 'majority_cast' }, input(w(4), w(4), w(9), w(9))).passed).toBe(false);
	});
	it('[VOTE-MAJ-3] no ballots at all fails', () => {
		expect(evaluate({ kind: 'majority_cast' }, input(w(0), w(0), w(0), w(10))).passed).toBe(false);
	});
});

describe('threshold', () => {
	const rule = { kind: 'threshold', ratio: '2/3', base: 'cast' } as const;
	it('[VOTE-THR-1] yes of exactly 2/3 of ballots cast passes; one fewer fails', () => {
		expect(evaluate(rule, input(w(20), w(10), w(30), w(50))).passed).toBe(true);
		expect(evaluate(rule, input(w(19), w(11), w(30), w(50))).passed).toBe(false);
	});
	it('[VOTE-THR-2] base "eligible" counts everyone entitled, not only who voted', () => {
		const r = { kind: 'threshold', ratio: '2/3', base: 'eligible' } as const;
		expect(evaluate(r, input(w(20), w(0), w(20), w(30))).passed).toBe(true);
		expect(evaluate(r, input(w(20), w(0), w(20), w(31))).passed).toBe(false);
	});
	it('[VOTE-THR-3] a quorum below its bound fails the vote even if all who voted said yes', () => {
		const r = { kind: 'threshold', ratio: '1/2', base: 'cast', quorum: '1/2' } as const;
		const low = evaluate(r, input(w(49), w(0), w(49), w(100)));
		expect(low.passed).toBe(false);
		expect(check(low, 'quorum').ok).toBe(false);
		expect(evaluate(r, input(w(50), w(0), w(50), w(100))).passed).toBe(true);
	});
	it('[VOTE-THR-4] a bad ratio is refused when the rule is made', () => {
		expect(() => validateRule({ kind: 'threshold', ratio: '3/2', base: 'cast' })).toThrow();
		expect(() =>
			validateRule({ kind: 'threshold', ratio: '2/3', base: 'cast', quorum: 'x' })
		).toThrow();
	});
});

describe('civil_code_278', () => {
	const eligible = w(300, 3_000_000); // 300 owners, 30 000.00 m²
	const major = { kind: 'civil_code_278', matter: 'major' } as const;
	const ordinary = { kind: 'civil_code_278', matter: 'ordinary' } as const;

	it('[VOTE-278-1] participation needs 2/3 of the area AND 2/3 of the owners, bound included', () => {
		const exactly = evaluate(ordinary, input(w(200, 2_000_000), w(0), w(200, 2_000_000), eligible));
		expect(check(exactly, 'participation_area').ok).toBe(true);
		expect(check(exactly, 'participation_owners').ok).toBe(true);
		expect(exactly.passed).toBe(true);
		const areaShort = evaluate(
			ordinary,
			input(w(250, 1_999_999), w(0), w(250, 1_999_999), eligible)
		);
		expect(check(areaShort, 'participation_area').ok).toBe(false);
		expect(areaShort.passed).toBe(false);
		const ownersShort = evaluate(
			ordinary,
			input(w(199, 2_900_000), w(0), w(199, 2_900_000), eligible)
		);
		expect(check(ownersShort, 'participation_owners').ok).toBe(false);
		expect(ownersShort.passed).toBe(false);
	});

	it('[VOTE-278-2] ordinary matters need MORE than half of participating area and owners', () => {
		const cast = w(200, 2_000_000);
		expect(
			evaluate(ordinary, input(w(100, 1_500_000), w(100, 500_000), cast, eligible)).passed
		).toBe(false);
		expect(
			evaluate(ordinary, input(w(101, 1_000_000), w(99, 1_000_000), cast, eligible)).passed
		).toBe(false);
		expect(
			evaluate(ordinary, input(w(101, 1_000_001), w(99, 999_999), cast, eligible)).passed
		).toBe(true);
	});

	it('[VOTE-278-3] major matters need at least 3/4 of participating area and owners, bound included', () => {
		const cast = w(200, 2_000_000);
		expect(evaluate(major, input(w(150, 1_500_000), w(50, 500_000), cast, eligible)).passed).toBe(
			true
		);
		expect(evaluate(major, input(w(149, 1_600_000), w(51, 400_000), cast, eligible)).passed).toBe(
			false
		);
		expect(evaluate(major, input(w(160, 1_499_999), w(40, 500_001), cast, eligible)).passed).toBe(
			false
		);
	});

	it('[VOTE-278-4] abstentions count as participating, so they weigh against the motion', () => {
		// 200 took part: 150 yes, 0 no, 50 abstain → yes is exactly 3/4 of participants.
		const r = evaluate(major, input(w(150, 1_500_000), w(0, 0), w(200, 2_000_000), eligible));
		expect(r.passed).toBe(true);
		const r2 = evaluate(major, input(w(150, 1_500_000), w(0, 0), w(201, 2_010_000), eligible));
		expect(r2.passed).toBe(false);
	});

	it('[VOTE-278-5] reports every check with the exact integers it compared', () => {
		const r = evaluate(
			major,
			input(w(150, 1_500_000), w(50, 500_000), w(200, 2_000_000), eligible)
		);
		expect(r.checks.map((c) => c.name)).toEqual([
			'participation_area',
			'participation_owners',
			'yes_area',
			'yes_owners'
		]);
		expect(check(r, 'participation_area')).toMatchObject({
			part: 2_000_000,
			whole: 3_000_000,
			required: '≥ 2/3',
			value: 0.6667
		});
	});
});

describe('[VOTE-278-LIFT] the lift levy of Heping Garden Block D (tests/fixtures/heping-garden-block-d.csv)', () => {
	// 192 households, 185 distinct owners (six own two units; the developer's two unsold units
	// count as one owner), 20 062.00 m². Raising maintenance funds is a major matter.
	const rows = readFileSync(
		new URL('../../../../tests/fixtures/heping-garden-block-d.csv', import.meta.url),
		'utf8'
	)
		.trim()
		.split('\n')
		.slice(1)
		.map((line) => line.split(','))
		.map(([, , area, owner]) => ({ area: areaToHundredths(area!)!, owner: owner! }));
	const owners = new Map<string, number>();
	for (const r of rows) owners.set(r.owner, (owners.get(r.owner) ?? 0) + r.area);
	const ownerList = [...owners.entries()];
	const sum = (list: [string, number][]): Weight => ({
		headcount: list.length,
		area: list.reduce((s, [, a]) => s + a, 0)
	});
	const eligible = sum(ownerList);

	it('counts owners by owner key and area by the sum of their units', () => {
		expect(rows).toHaveLength(192);
		expect(eligible).toEqual({ headcount: 185, area: 2_006_200 });
	});

	it('passes with 139 of 185 owners for it (≥ 3/4) and fails with 138', () => {
		const rule = { kind: 'civil_code_278', matter: 'major' } as const;
		const everyone = sum(ownerList);
		const yes139 = sum(ownerList.slice(0, 139));
		const no46 = sum(ownerList.slice(139));
		const passes = evaluate(rule, input(yes139, no46, everyone, eligible));
		expect(check(passes, 'yes_owners').ok).toBe(true);
		expect(passes.passed).toBe(check(passes, 'yes_area').ok);
		const yes138 = sum(ownerList.slice(0, 138));
		const fails = evaluate(rule, input(yes138, sum(ownerList.slice(138)), everyone, eligible));
		expect(check(fails, 'yes_owners').ok).toBe(false);
		expect(fails.passed).toBe(false);
	});

	it('under the former Property Law bound (more than 2/3 of owners) 124 of 185 is enough', () => {
		// 124/185 = 0.6703 > 2/3; 123/185 = 0.6649 is not.
		const rule = { kind: 'threshold', ratio: '2/3', base: 'eligible' } as const;
		const cast = sum(ownerList);
		expect(evaluate(rule, input(w(124), w(61), cast, eligible)).passed).toBe(true);
		expect(evaluate(rule, input(w(123), w(62), cast, eligible)).passed).toBe(false);
	});
});
