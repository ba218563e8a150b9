/**
 * Ranked choice, counted by instant runoff (IRV). A ballot lists option ids in order of
 * preference (any number, each once). Every round counts each ballot for its highest-ranked
 * option still in the race (headcount); a ballot with none left is exhausted and drops out.
 * An option with more than half of the round's ballots wins; otherwise the option with the
 * fewest is eliminated and the next round begins.
 *
 * Ties for elimination (documented rule, published with the notice):
 *  1. the fewest ballots in the latest earlier round where the tied options differed
 *     ("backwards" tie-break, as in the Australian Electoral Act 1918 s 274);
 *  2. still tied, and the tie is between every option left: no winner (`winner: null`) — the
 *     software does not choose between exact equals; the meeting votes again;
 *  3. otherwise the tied option listed last on the ballot is eliminated (the order is fixed
 *     when the vote is created and shown to everyone before voting).
 * Area is carried beside headcount so a rule weighted by floor area (Civil Code art. 278) can
 * check the winner's final-round support by area too.
 */
import * as v from 'valibot';
import { add, distinctIds, labelledOptions, ZERO, type VoteKind, type Weight } from './types';

export interface Round {
	counts: Record<string, number>;
	/** The option eliminated after this round; null in the last round. */
	eliminated: string | null;
}

export interface RunoffResult {
	rounds: Round[];
	winner: string | null;
	/** Final-round weight of the winner and of the runner-up. */
	yes: Weight;
	no: Weight;
}

export function runoff(
	optionIds: readonly string[],
	ballots: readonly { ranking: readonly string[]; weight: Weight }[]
): RunoffResult {
	const left = new Set(optionIds);
	const rounds: Round[] = [];
	const history: Map<string, number>[] = [];
	for (;;) {
		const tally = new Map<string, Weight>([...left].map((id) => [id, ZERO]));
		for (const b of ballots) {
			const top = b.ranking.find((id) => left.has(id));
			if (top) tally.set(top, add(tally.get(top)!, b.weight));
		}
		const heads = new Map([...tally].map(([id, w]) => [id, w.headcount]));
		history.push(heads);
		const counts = Object.fromEntries(heads);
		const total = [...heads.values()].reduce((a, b) => a + b, 0);
		const order = [...left].sort((a, b) => heads.get(b)! - heads.get(a)!);
		const [first, second] = order;
		const weightOf = (id: string | undefined) => (id ? tally.get(id)! : ZERO);
		if (total === 0) {
			rounds.push({ counts, eliminated: null });
			return { rounds, winner: null, yes: ZERO, no: ZERO };
		}
		if (heads.get(first!)! * 2 > total || left.size === 1) {
			rounds.push({ counts, eliminated: null });
			return { rounds, winner: first!, yes: weightOf(first), no: weightOf(second) };
		}
		const out = loser([...left], history, optionIds);
		if (out === null) {
			rounds.push({ counts, eliminated: null });
			return { rounds, winner: null, yes: weightOf(first), no: weightOf(second) };
		}
		rounds.push({ counts, eliminated: out });
		left.delete(out);
	}
}

/** The option to eliminate under the tie rule above, or null when every option is tied. */
function loser(
	left: string[],
	history: readonly Map<string, number>[],
	optionIds: readonly string[]
): string | null {
	const now = history[history.length - 1]!;
	const low = Math.min(...left.map((id) => now.get(id)!));
	let tied = left.filter((id) => now.get(id) === low);
	for (let r = history.length - 2; r >= 0 && tied.length > 1; r--) {
		const earlier = history[r]!;
		const min = Math.min(...tied.map((id) => earlier.get(id) ?? 0));
		tied = tied.filter((id) => (earlier.get(id) ?? 0) === min);
	}
	if (tied.length === 1) return tied[0]!;
	if (tied.length === left.length) return null;
	return [...tied].sort((a, b) => optionIds.indexOf(b) - optionIds.indexOf(a))[0]!;
}

export const ranked: VoteKind<string[]> = {
	id: 'ranked',
	ruleOptional: true,
	choiceSchema: v.array(v.string()),
	shape(request) {
		const options = labelledOptions(request);
		return typeof options === 'string'
			? options
			: { options, minChoices: 1, maxChoices: options.length };
	},
	validate(vote, choice) {
		const ids = distinctIds(vote, choice);
		return ids && ids.length >= 1 ? ids : null;
	},
	mentions: (choice) => choice,
	outcome(vote, ballots) {
		const result = runoff(
			vote.options.map((o) => o.id),
			ballots.map((b) => ({ ranking: b.choice as string[], weight: b.weight }))
		);
		return {
			yes: result.yes,
			no: result.no,
			winner: result.winner,
			detail: { rounds: result.rounds }
		};
	}
};
