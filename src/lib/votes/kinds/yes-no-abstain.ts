/** 同意 / 反对 / 弃权: one of three fixed options; the rule weighs `yes` against `no`. */
import * as v from 'valibot';
import { distinctIds, totalsByMention, ZERO, type VoteKind } from './types';

export const yesNoAbstain: VoteKind<string[]> = {
	id: 'yes_no_abstain',
	ruleOptional: false,
	choiceSchema: v.pipe(
		v.string(),
		v.transform((c) => [c])
	),
	shape: () => ({
		options: [
			{ id: 'yes', label: '同意' },
			{ id: 'no', label: '反对' },
			{ id: 'abstain', label: '弃权' }
		],
		minChoices: 1,
		maxChoices: 1
	}),
	validate(vote, choice) {
		// One option id, as a string (a list is the shape of the other kinds).
		return typeof choice === 'string' ? distinctIds(vote, [choice]) : null;
	},
	mentions: (choice) => choice,
	outcome(vote, ballots) {
		const totals = totalsByMention(this, vote, ballots);
		return { yes: totals.get('yes') ?? ZERO, no: totals.get('no') ?? ZERO };
	}
};
