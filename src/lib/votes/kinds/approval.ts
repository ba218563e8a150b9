/**
 * Approval voting: a ballot approves any number of options (none is a blank ballot, which
 * still counts as taking part). The option with the most approvals (headcount) wins; a tie for
 * the most has no winner.
 */
import * as v from 'valibot';
import { distinctIds, labelledOptions, leader, totalsByMention, type VoteKind } from './types';

export const approval: VoteKind<string[]> = {
	id: 'approval',
	ruleOptional: true,
	choiceSchema: v.array(v.string()),
	shape(request) {
		const options = labelledOptions(request);
		return typeof options === 'string'
			? options
			: { options, minChoices: 0, maxChoices: options.length };
	},
	validate: (vote, choice) => distinctIds(vote, choice),
	mentions: (choice) => choice,
	outcome(vote, ballots) {
		const totals = totalsByMention(this, vote, ballots);
		const lead = leader(vote, totals);
		const approvals = Object.fromEntries([...totals].map(([id, w]) => [id, w.headcount]));
		return { ...lead, detail: { approvals } };
	}
};
