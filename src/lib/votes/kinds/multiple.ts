/** Between `min` and `max` options; the rule is applied to the leading option. */
import * as v from 'valibot';
import { distinctIds, labelledOptions, leader, totalsByMention, type VoteKind } from './types';

export const multiple: VoteKind<string[]> = {
	id: 'multiple',
	ruleOptional: false,
	choiceSchema: v.array(v.string()),
	shape(request) {
		const options = labelledOptions(request);
		if (typeof options === 'string') return options;
		const [min, max] = [request.min ?? 1, request.max ?? options.length];
		if (min > max || max > options.length) return 'min/max: need 1 ≤ min ≤ max ≤ number of options';
		return { options, minChoices: min, maxChoices: max };
	},
	validate(vote, choice) {
		const ids = distinctIds(vote, choice);
		return ids && ids.length >= vote.minChoices && ids.length <= vote.maxChoices ? ids : null;
	},
	mentions: (choice) => choice,
	outcome(vote, ballots) {
		return leader(vote, totalsByMention(this, vote, ballots));
	}
};
