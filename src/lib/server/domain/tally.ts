/**
 * Counting a vote: ballots plus the eligibility frozen at opening give counts per option,
 * participation, and — on close — the decision rule's result. Pure and exact: areas are integer
 * hundredths of m² until the view converts them to m² numbers.
 */
import { evaluate, type Rule, type RuleResult, type Weight } from './decision-rules';
import { hundredthsToArea } from './ratio';

export type VoteKind = 'yes_no_abstain' | 'single' | 'multiple';
export type VoteStatus = 'draft' | 'open' | 'closed';

export interface VoterWeight {
	key: string;
	headcount: number;
	area: number;
}

export interface VoteSpec {
	id: string;
	kind: VoteKind;
	options: { id: string; label: string }[];
	minChoices: number;
	maxChoices: number;
	status: VoteStatus;
	tallyMode: 'live' | 'hidden';
	rule: Rule;
	eligible: VoterWeight[];
}

export interface BallotRow {
	voterKey: string;
	choice: string[];
}

export interface TallyView {
	voteId: string;
	status: VoteStatus;
	counts?: Record<string, { headcount: number; area: number }>;
	participation: {
		headcount: number;
		area: number;
		eligibleHeadcount: number;
		eligibleArea: number;
	};
	result?: RuleResult & { rule: Rule; winner?: string | null };
}

export type ChoiceError = 'invalid_choice';

/** Normalises a ballot's choice to option ids, or refuses it for this vote's kind and limits. */
export function validateChoice(
	vote: Pick<VoteSpec, 'kind' | 'options' | 'minChoices' | 'maxChoices'>,
	choice: unknown
): string[] | ChoiceError {
	const ids = new Set(vote.options.map((o) => o.id));
	const list = vote.kind === 'multiple' ? choice : [choice];
	if (!Array.isArray(list) || list.some((c) => typeof c !== 'string' || !ids.has(c)))
		return 'invalid_choice';
	const unique = [...new Set(list as string[])];
	if (unique.length !== list.length) return 'invalid_choice';
	if (
		vote.kind === 'multiple' &&
		(unique.length < vote.minChoices || unique.length > vote.maxChoices)
	) {
		return 'invalid_choice';
	}
	return unique;
}

const sumWeights = (list: readonly { headcount: number; area: number }[]): Weight =>
	list.reduce((s, w) => ({ headcount: s.headcount + w.headcount, area: s.area + w.area }), {
		headcount: 0,
		area: 0
	});

/** Counts in integer hundredths; ballots of keys not eligible count for nothing. */
export function count(vote: VoteSpec, ballots: readonly BallotRow[]) {
	const weights = new Map(vote.eligible.map((v) => [v.key, v]));
	const counts = new Map<string, Weight>(
		vote.options.map((o) => [o.id, { headcount: 0, area: 0 }])
	);
	const cast: Weight[] = [];
	for (const ballot of ballots) {
		const weight = weights.get(ballot.voterKey);
		if (!weight) continue;
		cast.push(weight);
		for (const optionId of ballot.choice) {
			const c = counts.get(optionId);
			if (c)
				counts.set(optionId, {
					headcount: c.headcount + weight.headcount,
					area: c.area + weight.area
				});
		}
	}
	return { counts, cast: sumWeights(cast), eligible: sumWeights(vote.eligible) };
}

/**
 * Yes/no for the rule: the `yes` and `no` options of a yes/no/abstain vote; for choice votes,
 * the leading option against the runner-up (a tie for the lead has no winner and fails).
 */
function motion(vote: VoteSpec, counts: Map<string, Weight>) {
	if (vote.kind === 'yes_no_abstain') {
		return { yes: counts.get('yes')!, no: counts.get('no')!, winner: undefined, tie: false };
	}
	const ranked = [...counts.entries()].sort((a, b) => b[1].headcount - a[1].headcount);
	const [first, second] = ranked;
	const zero = { headcount: 0, area: 0 };
	const tie = !!second && second[1].headcount === first![1].headcount;
	return {
		yes: first?.[1] ?? zero,
		no: second?.[1] ?? zero,
		winner: tie ? null : (first?.[0] ?? null),
		tie
	};
}

export function decide(
	vote: VoteSpec,
	ballots: readonly BallotRow[]
): RuleResult & { winner?: string | null } {
	const { counts, cast, eligible } = count(vote, ballots);
	const m = motion(vote, counts);
	const result = evaluate(vote.rule, { yes: m.yes, no: m.no, cast, eligible });
	if (vote.kind === 'yes_no_abstain') return result;
	return { ...result, passed: result.passed && !m.tie, winner: m.winner };
}

const toArea = (w: Weight) => ({ headcount: w.headcount, area: hundredthsToArea(w.area) });

/** The tally as clients see it (REFERENCE.md §5): counts hidden while a hidden tally is open. */
export function view(
	vote: VoteSpec,
	ballots: readonly BallotRow[],
	result?: TallyView['result']
): TallyView {
	const { counts, cast, eligible } = count(vote, ballots);
	const tally: TallyView = {
		voteId: vote.id,
		status: vote.status,
		participation: {
			headcount: cast.headcount,
			area: hundredthsToArea(cast.area),
			eligibleHeadcount: eligible.headcount,
			eligibleArea: hundredthsToArea(eligible.area)
		}
	};
	if (!(vote.status === 'open' && vote.tallyMode === 'hidden')) {
		tally.counts = Object.fromEntries([...counts.entries()].map(([id, w]) => [id, toArea(w)]));
	}
	if (vote.status === 'closed' && result) tally.result = result;
	return tally;
}

/** Eligibility by household register: one voter per owner key, weight = sum of its units. */
export function householdVoters(
	rows: readonly { ownerKey: string; area: number }[]
): VoterWeight[] {
	const byOwner = new Map<string, number>();
	for (const r of rows) byOwner.set(r.ownerKey, (byOwner.get(r.ownerKey) ?? 0) + r.area);
	return [...byOwner.entries()].map(([key, area]) => ({ key, headcount: 1, area }));
}
