/**
 * The vote kinds' ids alone. The protocol's schemas import this, not the registry
 * (`./index.ts`): the registry brings every kind's choice schema and counting code, which a
 * phone needs only once a ballot is on screen (tests/bench/README.md, page weight).
 */
export const VOTE_KIND_IDS = [
	'yes_no_abstain',
	'single',
	'multiple',
	'ranked',
	'score',
	'approval'
] as const;
export type VoteKindId = (typeof VOTE_KIND_IDS)[number];
