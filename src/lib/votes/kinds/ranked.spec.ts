import { describe, expect, it } from 'vitest';
import { ranked, runoff } from './ranked';
import type { KindVote } from './types';

const w = (headcount: number, area = 0) => ({ headcount, area });
/** `n` identical ballots as one weighted line. */
const line = (n: number, ...ranking: string[]) => ({ ranking, weight: w(n) });

describe('ranked choice (instant runoff)', () => {
	it('[KIND-RANKED-1] the Tennessee capital example: Knoxville wins in the third round', () => {
		// The textbook IRV example (Wikipedia, "Instant-runoff voting"): 42 % Memphis, 26 %
		// Nashville, 15 % Chattanooga, 17 % Knoxville first; IRV elects Knoxville.
		const r = runoff(
			['M', 'N', 'C', 'K'],
			[
				line(42, 'M', 'N', 'C', 'K'),
				line(26, 'N', 'C', 'K', 'M'),
				line(15, 'C', 'K', 'N', 'M'),
				line(17, 'K', 'C', 'N', 'M')
			]
		);
		expect(r.rounds).toEqual([
			{ counts: { M: 42, N: 26, C: 15, K: 17 }, eliminated: 'C' },
			{ counts: { M: 42, N: 26, K: 32 }, eliminated: 'N' },
			{ counts: { M: 42, K: 58 }, eliminated: null }
		]);
		expect(r.winner).toBe('K');
		expect(r.yes.headcount).toBe(58);
		expect(r.no.headcount).toBe(42);
	});

	it('[KIND-RANKED-2] a first-round majority wins at once', () => {
		const r = runoff(['a', 'b', 'c'], [line(3, 'a'), line(1, 'b'), line(1, 'c')]);
		expect(r.rounds).toHaveLength(1);
		expect(r.winner).toBe('a');
	});

	it('[KIND-RANKED-3] exhausted ballots drop out of the majority base', () => {
		// Round 1 a3 b2 c2: tie for last between b and c; no earlier round → c (listed last) goes.
		// c's two ballots rank nobody else: round 2 a3 b2 of 5 → a has 3 of 5 > half.
		const r = runoff(['a', 'b', 'c'], [line(3, 'a'), line(2, 'b'), line(2, 'c')]);
		expect(r.rounds[0]).toEqual({ counts: { a: 3, b: 2, c: 2 }, eliminated: 'c' });
		expect(r.rounds[1]).toEqual({ counts: { a: 3, b: 2 }, eliminated: null });
		expect(r.winner).toBe('a');
	});

	it('[KIND-RANKED-4] ties for last are broken backwards by the earlier round', () => {
		// Round 1: a4 b3 c2 d2 → d and c tie; d listed last goes. Round 2: a4 b3 c4 (d→c twice)...
		// Construct: round 2 has b and c tied at 3, round 1 had b3 c2 → c goes (fewer earlier).
		const r = runoff(
			['a', 'b', 'c', 'd'],
			[line(5, 'a'), line(3, 'b'), line(2, 'c'), line(1, 'd', 'c'), line(1, 'e')]
		);
		expect(r.rounds[0]).toEqual({ counts: { a: 5, b: 3, c: 2, d: 1 }, eliminated: 'd' });
		expect(r.rounds[1]).toEqual({ counts: { a: 5, b: 3, c: 3 }, eliminated: 'c' });
		expect(r.rounds[2]).toEqual({ counts: { a: 5, b: 3 }, eliminated: null });
		expect(r.winner).toBe('a');
	});

	it('[KIND-RANKED-5] an exact tie between every option left has no winner', () => {
		const r = runoff(['a', 'b'], [line(2, 'a'), line(2, 'b')]);
		expect(r.winner).toBeNull();
		expect(r.rounds).toEqual([{ counts: { a: 2, b: 2 }, eliminated: null }]);
	});

	it('[KIND-RANKED-6] no ballots: one empty round and no winner', () => {
		const r = runoff(['a', 'b'], []);
		expect(r.winner).toBeNull();
		expect(r.rounds).toEqual([{ counts: { a: 0, b: 0 }, eliminated: null }]);
	});

	it('[KIND-RANKED-7] area travels with the ballots for area-weighted rules', () => {
		const r = runoff(
			['a', 'b', 'c'],
			[
				{ ranking: ['a'], weight: w(2, 20_000) },
				{ ranking: ['b'], weight: w(1, 9_000) },
				{ ranking: ['c', 'b'], weight: w(1, 8_000) }
			]
		);
		// Round 2: a2 b2 tie; round 1 had a2 b1 → b goes (backwards), a wins with its area.
		expect(r.rounds[1]).toEqual({ counts: { a: 2, b: 2 }, eliminated: 'b' });
		expect(r.winner).toBe('a');
		expect(r.yes).toEqual({ headcount: 2, area: 20_000 });
	});

	it('[KIND-RANKED-8] a ballot lists distinct options of the vote, at least one', () => {
		const vote = ranked.shape({
			options: [{ label: '甲' }, { label: '乙' }, { label: '丙' }]
		}) as KindVote;
		expect(ranked.validate(vote, ['o2', 'o1'])).toEqual(['o2', 'o1']);
		expect(ranked.validate(vote, ['o2', 'o2'])).toBeNull();
		expect(ranked.validate(vote, ['o9'])).toBeNull();
		expect(ranked.validate(vote, [])).toBeNull();
		expect(ranked.validate(vote, 'o1')).toBeNull();
	});
});
