/**
 * Deciding amendments: merging an accepted one into the LIVE proposal through the document
 * server (every connected editor receives it as one update; persisted like an edit), with the
 * text before and after checkpointed in the transcript, and marking the open amendments whose
 * passage the merge overlapped stale. Used by the moderator's accept/reject and by votes.
 *
 * Kept apart from `amendments.ts` (which admits people into the room) so that closing a vote
 * can decide an amendment without the votes service depending on the sessions service.
 */
import { voteAmendmentSchema } from '$lib/protocol';
import * as clock from '../clock';
import * as amendmentsDb from '../db/amendments';
import type { Db } from '../db/client';
import * as outcomesDb from '../db/outcomes';
import { replacePassage } from '../domain/amendment-merge';
import * as rules from '../domain/amendments';
import { readPassage } from '../domain/anchors';
import type { Actor } from '../domain/transcript';
import type { Ctx } from './context';
import { notFound, parse, ServiceError } from './errors';
import { checkpoint, snapshot } from './proposals';
import { record } from './transcript';

const conflict = (code: string, message: string) => new ServiceError(409, code, message);

export function changed(ctx: Ctx, sessionId: string, itemId: string) {
	// The room refetches an item's comments and amendments on `comments:changed {itemId}`.
	ctx.realtime.commentsChanged(sessionId, itemId);
	ctx.realtime.transcriptChanged(sessionId);
}

export async function close(
	ctx: Ctx,
	row: amendmentsDb.Amendment,
	status: 'rejected' | 'stale',
	actor: Actor
) {
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		const locked = await amendmentsDb.lock(tx, row.id);
		if (!locked || rules.decide(locked.status, 'reject') === null)
			throw conflict('invalid_transition', `the amendment is ${locked?.status}, not open`);
		await amendmentsDb.setStatus(tx, [row.id], status, now);
		await record(
			tx,
			row.sessionId,
			status === 'rejected' ? 'amendment_rejected' : 'amendment_stale',
			actor,
			{ amendmentId: row.id, itemId: row.itemId },
			now
		);
	});
	changed(ctx, row.sessionId, row.itemId);
	return { id: row.id, status };
}

/** Merges run one at a time per document (each reads the passages the previous one left). */
const merging = new Map<string, Promise<unknown>>();

function serially<T>(key: string, run: () => Promise<T>): Promise<T> {
	const before = merging.get(key) ?? Promise.resolve();
	const next = before.then(run, run);
	const settled = next.catch(() => {});
	merging.set(key, settled);
	void settled.then(() => {
		if (merging.get(key) === settled) merging.delete(key);
	});
	return next;
}

export async function merge(ctx: Ctx, row: amendmentsDb.Amendment, actor: Actor) {
	const item = await outcomesDb.findItem(ctx.db, row.itemId);
	if (!item) throw notFound('item_not_found', 'item');
	return serially(item.docName, async () => {
		const fresh = await amendmentsDb.find(ctx.db, row.id);
		if (!fresh || fresh.status !== 'open')
			throw conflict('invalid_transition', `the amendment is ${fresh?.status}, not open`);
		const others = await amendmentsDb.openForItem(ctx.db, item.id);
		const before = await snapshot(ctx, item.docName);
		const outcome = await ctx.docs.edit(item.docName, (doc) => {
			const passage = readPassage(doc, fresh.anchor);
			if (!passage || !rules.mergeable(passage, passage.quote)) return null;
			const stale = rules.staleAfterMerge(
				{ id: fresh.id, range: passage },
				others.map((o) => ({ id: o.id, status: o.status, range: readPassage(doc, o.anchor) }))
			);
			replacePassage(doc, passage.from, passage.to, fresh.text);
			return { quote: passage.quote, stale };
		});
		if (!outcome) {
			await close(ctx, fresh, 'stale', actor);
			throw conflict('amendment_stale', 'the passage this amendment changes no longer exists');
		}
		const after = await snapshot(ctx, item.docName);
		const now = clock.now();
		await ctx.db.transaction(async (tx) => {
			await amendmentsDb.setStatus(tx, [fresh.id], 'accepted', now);
			await amendmentsDb.setStatus(tx, outcome.stale, 'stale', now, true);
			await checkpoint(tx, item, before, `amendment:${fresh.id}:before`, actor);
			await record(
				tx,
				item.sessionId,
				'amendment_accepted',
				actor,
				{
					amendmentId: fresh.id,
					itemId: item.id,
					quote: outcome.quote,
					text: fresh.text,
					stale: outcome.stale,
					textBefore: before.text,
					textAfter: after.text
				},
				now
			);
			await checkpoint(tx, item, after, `amendment:${fresh.id}`, actor);
		});
		changed(ctx, item.sessionId, item.id);
		return { id: fresh.id, status: 'accepted' as const, stale: outcome.stale };
	});
}

/** At vote creation: links `amendmentId` (beside the vote's fields) to the new vote. */
export async function linkVote(
	db: Db,
	vote: { id: string; itemId: string },
	input: unknown
): Promise<void> {
	const { amendmentId } = parse(voteAmendmentSchema, input);
	if (!amendmentId) return;
	const row = await amendmentsDb.lock(db, amendmentId);
	if (!row || row.itemId !== vote.itemId)
		throw notFound('amendment_not_found', 'amendment on this item');
	if (row.status !== 'open') throw conflict('amendment_not_open', `the amendment is ${row.status}`);
	await amendmentsDb.setVote(db, amendmentId, vote.id);
}

/** A vote on an amendment closed: passed merges it, failed rejects it. */
export async function decideByVote(ctx: Ctx, voteId: string, passed: boolean, actor: Actor) {
	for (const row of await amendmentsDb.openForVote(ctx.db, voteId)) {
		if (passed) await merge(ctx, row, actor);
		else await close(ctx, row, 'rejected', actor);
	}
}

/** Documents reconnect after a phase change, so their write access is decided afresh. */
export function reconnectDocs(ctx: Ctx, docNames: string[]) {
	for (const name of docNames) ctx.docs.disconnect(name, 4000, 'phase changed');
}
