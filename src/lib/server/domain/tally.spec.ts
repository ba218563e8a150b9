import { describe, expect, it } from 'vitest';
import { decide, householdVoters, validateChoice, view, type VoteSpec } from './tally';

const yesNo = [
	{ id: 'yes', label: '同意' },
	{ id: 'no', label: '反对' },
	{ id: 'abstain', label: '弃权' }
];

function spec(over: Partial<VoteSpec> = {}): VoteSpec {
	return {
		id: 'v1',
		kind: 'yes_no_abstain',
		options: yesNo,
		minChoices: 1,
		maxChoices: 1,
		status: 'open',
		tallyMode: 'live',
		rule: { kind: 'majority_cast' },
		eligible: [
			{ key: 'o1', headcount: 1, area: 10_000 },
			{ key: 'o2', headcount: 1, area: 5_050 },
			{ key: 'o3', headcount: 1, area: 8_850 }
		],
		...over
	};
}

describe('tally', () => {
	it('[TALLY-1] weights come from the frozen register, in m² with two decimals', () => {
		const t = view(spec(), [
			{ voterKey: 'o1', choice: ['yes'] },
			{ voterKey: 'o2', choice: ['no'] }
		]);
		expect(t.counts).toEqual({
			yes: { headcount: 1, area: 100 },
			no: { headcount: 1, area: 50.5 },
			abstain: { headcount: 0, area: 0 }
		});
		expect(t.participation).toEqual({
			headcount: 2,
			area: 150.5,
			eligibleHeadcount: 3,
			eligibleArea: 239
		});
	});

	it('[TALLY-2] a ballot from a key outside the eligibility counts for nothing', () => {
		const t = view(spec(), [{ voterKey: 'intruder', choice: ['yes'] }]);
		expect(t.participation.headcount).toBe(0);
		expect(t.counts?.yes?.headcount).toBe(0);
	});

	it('[TALLY-3] a hidden tally shows no counts while open, and all of them once closed', () => {
		const ballots = [{ voterKey: 'o1', choice: ['yes'] }];
		expect(view(spec({ tallyMode: 'hidden' }), ballots).counts).toBeUndefined();
		expect(view(spec({ tallyMode: 'hidden' }), ballots).participation.headcount).toBe(1);
		expect(
			view(spec({ tallyMode: 'hidden', status: 'closed' }), ballots).counts?.yes?.headcount
		).toBe(1);
	});

	it('[TALLY-4] units of one owner are one voter with the sum of their areas', () => {
		expect(
			householdVoters([
				{ ownerKey: 'owner-017', area: 8_850 },
				{ ownerKey: 'owner-017', area: 10_420 },
				{ ownerKey: 'developer', area: 14_645 },
				{ ownerKey: 'developer', area: 17_075 },
				{ ownerKey: 'owner-001', area: 8_850 }
			])
		).toEqual([
			{ key: 'owner-017', headcount: 1, area: 19_270 },
			{ key: 'developer', headcount: 1, area: 31_720 },
			{ key: 'owner-001', headcount: 1, area: 8_850 }
		]);
	});

	it('[TALLY-5] choices are checked against the kind, the options and min/max', () => {
		const single = spec({
			kind: 'single',
			options: [
				{ id: 'a', label: 'A' },
				{ id: 'b', label: 'B' }
			]
		});
		expect(validateChoice(single, 'a')).toEqual(['a']);
		expect(validateChoice(single, ['a'])).toBe('invalid_choice');
		expect(validateChoice(single, 'zzz')).toBe('invalid_choice');
		const multi = spec({
			kind: 'multiple',
			options: [
				{ id: 'a', label: 'A' },
				{ id: 'b', label: 'B' },
				{ id: 'c', label: 'C' }
			],
			minChoices: 1,
			maxChoices: 2
		});
		expect(validateChoice(multi, ['a', 'c'])).toEqual(['a', 'c']);
		expect(validateChoice(multi, ['a', 'b', 'c'])).toBe('invalid_choice');
		expect(validateChoice(multi, [])).toBe('invalid_choice');
		expect(validateChoice(multi, ['a', 'a'])).toBe('invalid_choice');
		expect(validateChoice(multi, 'a')).toBe('invalid_choice');
	});

	it('[TALLY-6] a choice vote is won by the leading option; a tie for the lead passes nothing', () => {
		const single = spec({
			kind: 'single',
			options: [
				{ id: 'a', label: 'A' },
				{ id: 'b', label: 'B' }
			]
		});
		const won = decide(single, [
			{ voterKey: 'o1', choice: ['a'] },
			{ voterKey: 'o2', choice: ['a'] },
			{ voterKey: 'o3', choice: ['b'] }
		]);
		expect(won).toMatchObject({ passed: true, winner: 'a' });
		const tie = decide(single, [
			{ voterKey: 'o1', choice: ['a'] },
			{ voterKey: 'o2', choice: ['b'] }
		]);
		expect(tie.passed).toBe(false);
	});
});
