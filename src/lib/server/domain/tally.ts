/**
 * Counting a vote: ballots plus the eligibility frozen at opening give counts per option,
 * participation, and — on close — the decision rule's result. Pure and exact: areas are integer
 * hundredths of m² until the view converts them to m² numbers.
 */
import { evaluate, type Rule, type RuleResult, type Weight } from './decision-rules';
import { hundredthsToArea } from './ratio';
import { voteKind, type Choice, type VoteKindId } from '../../votes/kinds';

export type { Choice };

export type VoteKind = VoteKindId;
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
	choice: Choice;
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
	result?: RuleResult & { rule: Rule; winner?: string | null } & Record<string, unknown>;
}

export type ChoiceError = 'invalid_choice';

/** Normalises a ballot's choice, or refuses it for this vote's kind and limits. */
export function validateChoice(
	vote: Pick<VoteSpec, 'kind' | 'options' | 'minChoices' | 'maxChoices'>,
	choice: unknown
): Choice | ChoiceError {
	return voteKind(vote.kind).validate(vote, choice) ?? 'invalid_choice';
}

const sumWeights = (list: readonly { headcount: number; area: number }[]): Weight =>
	list.reduce((s, w) => ({ headcount: s.headcount + w.headcount, area: s.area + w.area }), {
		headcount: 0,
		area: 0
	});

/** Counts in integer hundredths; ballots of keys not eligible count for nothing. */
export function count(vote: VoteSpec, ballots: readonly BallotRow[]) {
	const kind = voteKind(vote.kind);
	const weights = new Map(vote.eligible.map((v) => [v.key, v]));
	const counts = new Map<string, Weight>(
		vote.options.map((o) => [o.id, { headcount: 0, area: 0 }])
	);
	const cast: Weight[] = [];
	const weighted: { choice: Choice; weight: Weight }[] = [];
	for (const ballot of ballots) {
		const weight = weights.get(ballot.voterKey);
		if (!weight) continue;
		cast.push(weight);
		weighted.push({ choice: ballot.choice, weight });
		for (const optionId of new Set(kind.mentions(ballot.choice))) {
			const c = counts.get(optionId);
			if (c)
				counts.set(optionId, {
					headcount: c.headcount + weight.headcount,
					area: c.area + weight.area
				});
		}
	}
	return { counts, cast: sumWeights(cast), eligible: sumWeights(vote.eligible), weighted };
}

/**
 * The kind counts (who leads, its rounds or scores), then the decision rule weighs the
 * leader's support. A kind with winners passes nothing without one (a tie for the lead).
 */
export function decide(
	vote: VoteSpec,
	ballots: readonly BallotRow[]
): RuleResult & { winner?: string | null } & Record<string, unknown> {
	const { cast, eligible, weighted } = count(vote, ballots);
	const outcome = voteKind(vote.kind).outcome(vote, weighted);
	const result = evaluate(vote.rule, { yes: outcome.yes, no: outcome.no, cast, eligible });
	if (outcome.winner === undefined) return { ...result };
	return {
		...result,
		...outcome.detail,
		passed: result.passed && outcome.winner !== null,
		winner: outcome.winner
	};
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

/** Eligibility by household register (kept here for callers of the tally). */
export { householdVoters } from './seat-holders';
