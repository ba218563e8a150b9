/**
 * What a vote still lacks to reach its rule's participation bounds, exactly (integers: owners,
 * and areas in hundredths of m²). Civil Code art. 278 ¶2: the owners taking part must hold at
 * least 2/3 of the exclusive area and be at least 2/3 of the owners; a threshold rule's quorum
 * counts heads. Other rules have no participation bound (0).
 */
import type { Rule } from './decision-rules';
import { parseRatio, type Ratio } from './ratio';

/** The least part with part/whole ≥ r. */
const leastAtLeast = (whole: number, r: Ratio) => Math.ceil((whole * r.n) / r.d);

export function needed(
	rule: Rule,
	cast: { headcount: number; area: number },
	eligible: { headcount: number; area: number }
): { headcount: number; area: number } {
	const gap = (want: number, have: number) => Math.max(0, want - have);
	if (rule.kind === 'civil_code_278') {
		const twoThirds = { n: 2, d: 3 };
		return {
			headcount: gap(leastAtLeast(eligible.headcount, twoThirds), cast.headcount),
			area: gap(leastAtLeast(eligible.area, twoThirds), cast.area)
		};
	}
	if (rule.kind === 'threshold' && rule.quorum) {
		return {
			headcount: gap(leastAtLeast(eligible.headcount, parseRatio(rule.quorum)), cast.headcount),
			area: 0
		};
	}
	return { headcount: 0, area: 0 };
}
