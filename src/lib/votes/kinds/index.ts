/**
 * The registry of vote kinds. Adding a kind = one module here and its id in `./ids.ts` (plus
 * its ballot and form in the UI): the protocol's schemas, the database's check on
 * `votes.kind`, the console's kind picker and the phone's ballot all come from this list.
 */
import { approval } from './approval';
import { multiple } from './multiple';
import { ranked } from './ranked';
import { score } from './score';
import { single } from './single';
import type { VoteKindId } from './ids';
import type { VoteKind } from './types';
import { yesNoAbstain } from './yes-no-abstain';

export * from './types';
export { runoff, type Round } from './ranked';
export { MAX_SCORE, type OptionScore } from './score';

export { VOTE_KIND_IDS, type VoteKindId } from './ids';

export const VOTE_KINDS: Record<VoteKindId, VoteKind> = {
	yes_no_abstain: yesNoAbstain as VoteKind,
	single: single as VoteKind,
	multiple: multiple as VoteKind,
	ranked: ranked as VoteKind,
	score: score as VoteKind,
	approval: approval as VoteKind
};

export function voteKind(id: string): VoteKind {
	const kind = VOTE_KINDS[id as VoteKindId];
	if (!kind) throw new Error(`unknown vote kind ${id}`);
	return kind;
}
