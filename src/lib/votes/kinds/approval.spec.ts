import { describe, expect, it } from 'vitest';
import { approval } from './approval';
import type { KindVote } from './types';

const vote = approval.shape({
	options: [{ label: 'A' }, { label: 'B' }, { label: 'C' }]
}) as KindVote;
const b = (choice: string[], headcount = 1) => ({ choice, weight: { headcount, area: 0 } });

describe('approval voting', () => {
	it('[KIND-APPROVAL-1] the most approvals win; any number of options per ballot', () => {
		const out = approval.outcome(vote, [b(['o1', 'o2']), b(['o2']), b(['o2', 'o3']), b([])]);
		expect(out.winner).toBe('o2');
		expect(out.detail).toEqual({ approvals: { o1: 1, o2: 3, o3: 1 } });
		expect(out.yes.headcount).toBe(3);
	});

	it('[KIND-APPROVAL-2] a tie for the most has no winner', () => {
		expect(approval.outcome(vote, [b(['o1']), b(['o2'])]).winner).toBeNull();
	});

	it('[KIND-APPROVAL-3] a choice is a list of distinct options of the vote (empty allowed)', () => {
		expect(approval.validate(vote, [])).toEqual([]);
		expect(approval.validate(vote, ['o1', 'o3'])).toEqual(['o1', 'o3']);
		expect(approval.validate(vote, ['o1', 'o1'])).toBeNull();
		expect(approval.validate(vote, 'o1')).toBeNull();
	});
});
