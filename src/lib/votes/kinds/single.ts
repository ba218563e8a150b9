/** One option of several; the rule is applied to the leading option. */
import * as v from 'valibot';
import { distinctIds, labelledOptions, leader, totalsByMention, type VoteKind } from './types';

export const single: VoteKind<string[]> = {
	id: 'single',
	ruleOptional: false,
	choiceSchema: v.pipe(
		v.string(),
		v.transform((c) => [c])
	),
	shape(request) {
		const options = labelledOptions(request);
		return typeof options === 'string' ? options : { options, minChoices: 1, maxChoices: 1 };
	},
	validate(vote, choice) {
		// One option id, as a string (a list is the shape of the other kinds).
		return typeof choice === 'string' ? distinctIds(vote, [choice]) : null;
	},
	mentions: (choice) => choice,
	outcome(vote, ballots) {
		return leader(vote, totalsByMention(this, vote, ballots));
	}
};
