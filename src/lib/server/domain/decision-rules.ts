/**
 * Decision rules evaluated when a vote closes (Civil Code art. 278: owners counted by household AND by exclusive area). Pure: the tally
 * in, the result with every check out, so the transcript can show the rule step by step.
 */
import { atLeast, formatRatio, moreThan, parseRatio, share, type Ratio } from './ratio';

export type Rule =
	| { kind: 'majority_cast' }
	| { kind: 'threshold'; ratio: string; base: 'cast' | 'eligible'; quorum?: string }
	| { kind: 'civil_code_278'; matter: 'ordinary' | 'major' }
	/** No bound beyond the kind's own count (ranked, score, approval without a rule). */
	| { kind: 'none' };

/** Weighted totals; `area` in integer hundredths of m². */
export interface Weight {
	headcount: number;
	area: number;
}

export interface RuleInput {
	/** Weight of the ballots for the motion ("yes", or the leading option). */
	yes: Weight;
	/** Weight against ("no"; for choice votes, the runner-up option). */
	no: Weight;
	/** Everyone who cast a ballot, abstentions included. */
	cast: Weight;
	eligible: Weight;
}

export interface Check {
	/** Stable name, e.g. `participation_area`; the UI translates it. */
	name: string;
	/** The measured share (4 decimals, display only). */
	value: number;
	/** The bound, e.g. "≥ 2/3" or "> 1/2". */
	required: string;
	ok: boolean;
	/** The exact integers compared. */
	part: number;
	whole: number;
}

export interface RuleResult {
	passed: boolean;
	checks: Check[];
}

const HALF: Ratio = { n: 1, d: 2 };
const TWO_THIRDS: Ratio = { n: 2, d: 3 };
const THREE_QUARTERS: Ratio = { n: 3, d: 4 };

function checkAtLeast(name: string, part: number, whole: number, r: Ratio): Check {
	return {
		name,
		value: share(part, whole),
		required: `≥ ${formatRatio(r)}`,
		ok: atLeast(part, whole, r),
		part,
		whole
	};
}

function checkMoreThan(name: string, part: number, whole: number, r: Ratio): Check {
	return {
		name,
		value: share(part, whole),
		required: `> ${formatRatio(r)}`,
		ok: moreThan(part, whole, r),
		part,
		whole
	};
}

/** Validates a rule's ratios up front, so a bad rule is refused when the vote is created. */
export function validateRule(rule: Rule): void {
	if (rule.kind === 'threshold') {
		parseRatio(rule.ratio);
		if (rule.quorum !== undefined) parseRatio(rule.quorum);
	}
}

export function evaluate(rule: Rule, input: RuleInput): RuleResult {
	const checks: Check[] = [];
	switch (rule.kind) {
		case 'none':
			break;
		case 'majority_cast':
			// More for than against among the ballots cast; a tie fails.
			checks.push({
				name: 'yes_over_no',
				value: share(input.yes.headcount, input.yes.headcount + input.no.headcount),
				required: `> ${input.no.headcount}`,
				ok: input.yes.headcount > input.no.headcount,
				part: input.yes.headcount,
				whole: input.yes.headcount + input.no.headcount
			});
			break;
		case 'threshold': {
			const ratio = parseRatio(rule.ratio);
			if (rule.quorum !== undefined) {
				checks.push(
					checkAtLeast(
						'quorum',
						input.cast.headcount,
						input.eligible.headcount,
						parseRatio(rule.quorum)
					)
				);
			}
			const base = rule.base === 'cast' ? input.cast.headcount : input.eligible.headcount;
			checks.push(checkAtLeast(`yes_of_${rule.base}`, input.yes.headcount, base, ratio));
			break;
		}
		case 'civil_code_278': {
			// Art. 278 ¶2: participation ≥ 2/3 of the exclusive area AND ≥ 2/3 of the owners.
			checks.push(
				checkAtLeast('participation_area', input.cast.area, input.eligible.area, TWO_THIRDS)
			);
			checks.push(
				checkAtLeast(
					'participation_owners',
					input.cast.headcount,
					input.eligible.headcount,
					TWO_THIRDS
				)
			);
			if (rule.matter === 'major') {
				// Matters 6–8 (raising maintenance funds, rebuilding, changing common parts):
				// ≥ 3/4 of the participating area AND of the participating owners.
				checks.push(checkAtLeast('yes_area', input.yes.area, input.cast.area, THREE_QUARTERS));
				checks.push(
					checkAtLeast('yes_owners', input.yes.headcount, input.cast.headcount, THREE_QUARTERS)
				);
			} else {
				// Every other matter: more than half ("过半数") of both.
				checks.push(checkMoreThan('yes_area', input.yes.area, input.cast.area, HALF));
				checks.push(checkMoreThan('yes_owners', input.yes.headcount, input.cast.headcount, HALF));
			}
			break;
		}
	}
	return { passed: checks.every((c) => c.ok), checks };
}
