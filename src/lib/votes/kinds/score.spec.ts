import { describe, expect, it } from 'vitest';
import { score } from './score';
import type { KindVote } from './types';

const vote = score.shape({ options: [{ label: 'A' }, { label: 'B' }, { label: 'C' }] }) as KindVote;
const b = (choice: Record<string, number>, headcount = 1) => ({
	choice,
	weight: { headcount, area: 0 }
});

describe('score voting', () => {
	it('[KIND-SCORE-1] mean over those who rated, and the distribution of 0..5', () => {
		const out = score.outcome(vote, [
			b({ o1: 5, o2: 3 }),
			b({ o1: 4, o2: 3, o3: 0 }),
			b({ o1: 3 })
		]);
		const scores = out.detail!.scores as Record<
			string,
			{ mean: number; ratings: number; distribution: number[] }
		>;
		expect(scores.o1).toEqual({ mean: 4, ratings: 3, distribution: [0, 0, 0, 1, 1, 1] });
		expect(scores.o2!.mean).toBe(3);
		expect(scores.o3).toEqual({ mean: 0, ratings: 1, distribution: [1, 0, 0, 0, 0, 0] });
		expect(out.winner).toBe('o1');
		expect(out.yes.headcount).toBe(3); // every ballot gave o1 3 or more
	});

	it('[KIND-SCORE-2] equal means: more top scores win; identical profiles have no winner', () => {
		// o1: 5,1 (mean 3); o2: 3,3 (mean 3) → o1 has a 5.
		expect(score.outcome(vote, [b({ o1: 5, o2: 3 }), b({ o1: 1, o2: 3 })]).winner).toBe('o1');
		expect(score.outcome(vote, [b({ o1: 4, o2: 4 })]).winner).toBeNull();
	});

	it('[KIND-SCORE-3] means compare exactly, not as rounded decimals', () => {
		// o1 = 10/3 = 3.333…, o2 = 3.33 would round alike; o1: 4,3,3 vs o2: 3,3,4 equal → more 4s equal → null
		// o1: 4,3,3 (10/3) vs o2: 5,3,2 (10/3): equal mean, o2 has a 5 → o2.
		expect(
			score.outcome(vote, [b({ o1: 4, o2: 5 }), b({ o1: 3, o2: 3 }), b({ o1: 3, o2: 2 })]).winner
		).toBe('o2');
	});

	it('[KIND-SCORE-4] a choice rates options of the vote with integers 0..5', () => {
		expect(score.validate(vote, { o1: 5, o3: 0 })).toEqual({ o1: 5, o3: 0 });
		expect(score.validate(vote, { o1: 6 })).toBeNull();
		expect(score.validate(vote, { o1: 2.5 })).toBeNull();
		expect(score.validate(vote, { o9: 1 })).toBeNull();
		expect(score.validate(vote, {})).toBeNull();
		expect(score.validate(vote, ['o1'])).toBeNull();
	});
});
