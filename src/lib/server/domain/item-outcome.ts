/**
 * What closing a vote does to its item (Yishi's "decisions carry through"): a passed vote
 * settles the item (`resolved`, 已通过), a failed one leaves it `unresolved` (未通过) — unless
 * the moderator set the item's status by hand after the vote opened, which wins.
 */

export type ItemStatus = 'pending' | 'discussing' | 'voting' | 'resolved' | 'unresolved';

export interface HandStatus {
	/** When the moderator last set the item's status by hand. */
	at: Date;
	status: ItemStatus;
}

/**
 * The item's status after the vote closes, or null to leave it as it is. Setting `voting` by
 * hand while the vote runs only says what is happening, so it does not hold the result back.
 */
export function statusAfterVote(
	vote: { openedAt: Date | null; passed: boolean },
	hand: HandStatus | null
): ItemStatus | null {
	const opened = vote.openedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
	if (hand && hand.at.getTime() >= opened && hand.status !== 'voting') return null;
	return vote.passed ? 'resolved' : 'unresolved';
}

export type ProgressStatus = 'not_started' | 'in_progress' | 'done' | 'shelved';
