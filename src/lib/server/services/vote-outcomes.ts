/**
 * What closing a vote carries through (REFERENCE.md §11): the item's status follows the
 * result unless the moderator set it by hand after the vote opened, and an amendment put to
 * the vote is merged (passed) or rejected (failed). The votes service calls in here on create
 * and on close; this module does not depend on the sessions service.
 */
import * as clock from '../clock';
import type { Db } from '../db/client';
import * as outcomesDb from '../db/outcomes';
import { statusAfterVote, type ItemStatus } from '../domain/item-outcome';
import type { Actor } from '../domain/transcript';
import { decideByVote, linkVote } from './amendment-merge';
import type { Ctx } from './context';
import { checkpoint, snapshot } from './proposals';
import { record } from './transcript';

interface ClosedVote {
	id: string;
	itemId: string;
	sessionId: string;
	openedAt: Date | null;
	result: unknown;
}

/** In the vote's creating transaction: links `amendmentId` from the request body. */
export function voteCreated(db: Db, vote: { id: string; itemId: string }, input: unknown) {
	return linkVote(db, vote, input);
}

/**
 * After a vote closed (committed). Failures are logged, never undo the close, which is
 * already recorded.
 */
export async function voteClosed(
	ctx: Ctx,
	vote: ClosedVote,
	actor: Actor,
	now = clock.now()
): Promise<void> {
	const passed = (vote.result as { passed?: boolean } | null)?.passed === true;
	try {
		await settleItem(ctx, vote, passed, actor, now);
	} catch (error) {
		ctx.log.error({ err: error, voteId: vote.id }, 'item outcome after vote failed');
	}
	try {
		await decideByVote(ctx, vote.id, passed, actor);
	} catch (error) {
		ctx.log.error({ err: error, voteId: vote.id }, 'amendment decision after vote failed');
	}
}

async function settleItem(
	ctx: Ctx,
	vote: ClosedVote,
	passed: boolean,
	actor: Actor,
	now: Date
): Promise<void> {
	const found = await outcomesDb.findItem(ctx.db, vote.itemId);
	if (!found) return;
	const hand = await outcomesDb.find(ctx.db, vote.itemId);
	const next = statusAfterVote(
		{ openedAt: vote.openedAt, passed },
		hand?.statusSetAt ? { at: hand.statusSetAt, status: hand.handStatus as ItemStatus } : null
	);
	if (!next || next === found.status) return;
	const snap = await snapshot(ctx, found.docName);
	const changed = await ctx.db.transaction(async (tx) => {
		const item = await outcomesDb.lockItem(tx, vote.itemId);
		if (!item || item.status === next) return false;
		await outcomesDb.setItemStatus(tx, item.id, next);
		await record(
			tx,
			item.sessionId,
			'item_status',
			actor,
			{ itemId: item.id, title: item.title, from: item.status, to: next, voteId: vote.id },
			now
		);
		await outcomesDb.put(tx, item.id, { decidedAt: now });
		await checkpoint(tx, item, snap, `status:${next}`, actor);
		return true;
	});
	if (changed) {
		ctx.realtime.sessionChanged(vote.sessionId);
		ctx.realtime.transcriptChanged(vote.sessionId);
	}
}
