/**
 * What every vote kind provides (one module per kind in this folder). Pure and isomorphic:
 * the server validates and counts with it, the protocol derives its schemas from it, and the
 * console and the phone build their forms and ballots from it. Areas are integer hundredths
 * of m² (exact), headcounts integers.
 */
import type * as v from 'valibot';

/** A ballot's choice: option ids (in order of preference for `ranked`) or scores by option. */
export type Choice = string[] | Record<string, number>;

export interface Option {
	id: string;
	label: string;
}

export interface Weight {
	headcount: number;
	area: number;
}

/** What the moderator asked for when creating the vote. */
export interface KindRequest {
	options?: { label: string }[];
	min?: number;
	max?: number;
}

/** The vote as a kind sees it. */
export interface KindVote {
	options: Option[];
	minChoices: number;
	maxChoices: number;
}

export interface WeightedBallot {
	choice: Choice;
	weight: Weight;
}

/** A kind's count, before the decision rule: who leads and the kind's own detail. */
export interface KindOutcome {
	/** Weight for the motion: `yes`, or the ballots behind the winner. */
	yes: Weight;
	/** Weight against: `no`, or the ballots behind the runner-up. */
	no: Weight;
	/** The leading option; null when a tie leaves none (undefined for yes/no votes). */
	winner?: string | null;
	/** Extra fields of the closed result (e.g. `rounds`, `scores`). */
	detail?: Record<string, unknown>;
}

export interface VoteKind<C extends Choice = Choice> {
	id: string;
	/** The request may leave `rule` out: the kind's own count then decides (winner or none). */
	ruleOptional: boolean;
	/** The choice as the wire carries it (before `validate` checks it against the vote). */
	choiceSchema: v.GenericSchema<unknown, C>;
	/** Options and limits from the request, or a message saying what is wrong. */
	shape(request: KindRequest): KindVote | string;
	/** The choice normalised, or null when this vote cannot take it. */
	validate(vote: KindVote, choice: unknown): C | null;
	/** The options a ballot names (each counted once in the tally's `counts`). */
	mentions(choice: C): string[];
	outcome(vote: KindVote, ballots: readonly WeightedBallot[]): KindOutcome;
}

export const ZERO: Weight = { headcount: 0, area: 0 };
export const add = (a: Weight, b: Weight): Weight => ({
	headcount: a.headcount + b.headcount,
	area: a.area + b.area
});

/** Options o1…oN from the request's labels; at least two. */
export function labelledOptions(request: KindRequest): Option[] | string {
	if (!request.options || request.options.length < 2) return 'options: at least two options';
	return request.options.map((o, i) => ({ id: `o${i + 1}`, label: o.label }));
}

/** A list of distinct option ids of this vote, or null. */
export function distinctIds(vote: KindVote, choice: unknown): string[] | null {
	if (!Array.isArray(choice)) return null;
	const ids = new Set(vote.options.map((o) => o.id));
	if (choice.some((c) => typeof c !== 'string' || !ids.has(c))) return null;
	return new Set(choice).size === choice.length ? (choice as string[]) : null;
}

/**
 * The leading option by headcount against the runner-up; a tie for the lead has no winner
 * (a vote between equals is not decided by the software).
 */
export function leader(vote: KindVote, totals: Map<string, Weight>): KindOutcome {
	const order = vote.options
		.map((o) => [o.id, totals.get(o.id) ?? ZERO] as const)
		.sort((a, b) => b[1].headcount - a[1].headcount);
	const [first, second] = order;
	const tie = !!second && second[1].headcount === first![1].headcount;
	return {
		yes: first?.[1] ?? ZERO,
		no: second?.[1] ?? ZERO,
		winner: tie || !first || first[1].headcount === 0 ? null : first[0]
	};
}

/** Per option, the weight of the ballots naming it. */
export function totalsByMention<C extends Choice>(
	kind: Pick<VoteKind<C>, 'mentions'>,
	vote: KindVote,
	ballots: readonly WeightedBallot[]
): Map<string, Weight> {
	const totals = new Map<string, Weight>(vote.options.map((o) => [o.id, ZERO]));
	for (const b of ballots) {
		for (const id of kind.mentions(b.choice as C)) {
			const t = totals.get(id);
			if (t) totals.set(id, add(t, b.weight));
		}
	}
	return totals;
}
