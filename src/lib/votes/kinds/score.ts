/**
 * Score voting: a ballot gives options 0–5 (options left out are not rated and do not pull
 * the mean down). Each option's mean is over the ballots that rated it, by headcount; the
 * highest mean wins. Ties: the option with more 5s, then more 4s, … wins; still tied, no
 * winner. Means are compared exactly (cross-multiplied), never as rounded decimals. For a
 * decision rule, the winner's supporters are the ballots that gave it 3 or more.
 */
import * as v from 'valibot';
import { add, labelledOptions, ZERO, type VoteKind, type Weight } from './types';

export const MAX_SCORE = 5;

export interface OptionScore {
	/** Mean score, two decimals (display); null when nobody rated it. */
	mean: number | null;
	/** Headcount of ballots that rated it. */
	ratings: number;
	/** distribution[s] = headcount that gave score s (0..5). */
	distribution: number[];
}

type Scores = Record<string, number>;

export function scoreTable(
	optionIds: readonly string[],
	ballots: readonly { choice: Scores; headcount: number }[]
) {
	const table = new Map(optionIds.map((id) => [id, { sum: 0, n: 0, dist: Array(6).fill(0) }]));
	for (const b of ballots) {
		for (const [id, s] of Object.entries(b.choice)) {
			const row = table.get(id);
			if (!row) continue;
			row.sum += s * b.headcount;
			row.n += b.headcount;
			row.dist[s] += b.headcount;
		}
	}
	return table;
}

/** Positive when a ranks above b (higher mean, then more top scores). */
function compare(
	a: { sum: number; n: number; dist: number[] },
	b: { sum: number; n: number; dist: number[] }
) {
	if (a.n === 0 || b.n === 0) return a.n - b.n;
	const diff = a.sum * b.n - b.sum * a.n;
	if (diff !== 0) return diff;
	for (let s = MAX_SCORE; s >= 0; s--)
		if (a.dist[s] !== b.dist[s]) return (a.dist[s] ?? 0) - (b.dist[s] ?? 0);
	return 0;
}

export const score: VoteKind<Scores> = {
	id: 'score',
	ruleOptional: true,
	choiceSchema: v.record(v.string(), v.number()),
	shape(request) {
		const options = labelledOptions(request);
		return typeof options === 'string'
			? options
			: { options, minChoices: 1, maxChoices: options.length };
	},
	validate(vote, choice) {
		if (!choice || typeof choice !== 'object' || Array.isArray(choice)) return null;
		const ids = new Set(vote.options.map((o) => o.id));
		const entries = Object.entries(choice as Record<string, unknown>);
		if (entries.length === 0) return null;
		for (const [id, s] of entries) {
			if (!ids.has(id) || !Number.isInteger(s) || (s as number) < 0 || (s as number) > MAX_SCORE)
				return null;
		}
		return Object.fromEntries(entries) as Scores;
	},
	mentions: (choice) => Object.keys(choice),
	outcome(vote, ballots) {
		const ids = vote.options.map((o) => o.id);
		const table = scoreTable(
			ids,
			ballots.map((b) => ({ choice: b.choice as Scores, headcount: b.weight.headcount }))
		);
		const order = [...ids].sort((a, b) => compare(table.get(b)!, table.get(a)!));
		const [first, second] = order;
		const top = table.get(first!)!;
		const winner =
			top.n === 0 || (second !== undefined && compare(top, table.get(second)!) === 0)
				? null
				: first!;
		const supporters = (id: string | null | undefined): Weight =>
			id
				? ballots
						.filter((b) => ((b.choice as Scores)[id] ?? -1) >= 3)
						.reduce((s, b) => add(s, b.weight), ZERO)
				: ZERO;
		const scores: Record<string, OptionScore> = Object.fromEntries(
			ids.map((id) => {
				const row = table.get(id)!;
				return [
					id,
					{
						mean: row.n ? Math.round((row.sum / row.n) * 100) / 100 : null,
						ratings: row.n,
						distribution: row.dist
					}
				];
			})
		);
		return {
			yes: supporters(winner ?? first),
			no: supporters(second),
			winner,
			detail: { scores }
		};
	}
};
