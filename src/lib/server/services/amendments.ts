/**
 * Amendments (修改建议) to an item's proposal: proposed on a passage (two Yjs relative
 * positions, as comments are), supported, and accepted or rejected by the moderator or by a
 * vote. Accepting merges the new text into the LIVE document through the document server, so
 * every connected editor receives it as one update; the text before and after is checkpointed
 * in the transcript, and open amendments whose passage the merge overlapped become stale.
 */
import * as Y from 'yjs';
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import {
	createAmendmentSchema,
	phaseSchema,
	voteAmendmentSchema,
	type AmendmentView,
	type Role
} from '$lib/protocol';
import * as clock from '../clock';
import type { Db } from '../db/client';
import { amendmentSupporters, amendments, itemOutcomes, items, sessionFloor } from '../db/schema';
import * as sessions from '../db/sessions';
import { replacePassage } from '../domain/amendment-merge';
import * as rules from '../domain/amendments';
import { docFromState, readPassage, type Passage } from '../domain/anchors';
import type { Actor } from '../domain/transcript';
import { newId } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError, unauthorized } from './errors';
import { requireConsole } from './permissions';
import { checkpoint, snapshot } from './proposals';
import * as sessionsService from './sessions';
import { actorOf, actorOfUser, record } from './transcript';

type Row = typeof amendments.$inferSelect;

const invalidAnchor = (message: string) => new ServiceError(400, 'invalid_anchor', message);
const conflict = (code: string, message: string) => new ServiceError(409, code, message);

async function itemOf(ctx: Ctx, itemId: string) {
	const [item] = await ctx.db.select().from(items).where(eq(items.id, itemId)).limit(1);
	if (!item) throw notFound('item_not_found', 'item');
	const session = await sessions.find(ctx.db, item.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	return { item, session };
}

async function find(db: Db, id: string): Promise<Row> {
	const [row] = await db.select().from(amendments).where(eq(amendments.id, id));
	if (!row) throw notFound('amendment_not_found', 'amendment');
	return row;
}

function normalized(anchor: { start: unknown; end: unknown }) {
	const clean = (json: unknown) => Y.relativePositionToJSON(Y.createRelativePositionFromJSON(json));
	return { start: clean(anchor.start), end: clean(anchor.end) };
}

export async function create(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const body = parse(createAmendmentSchema, input);
	const { item, session } = await itemOf(ctx, itemId);
	if (!viewer.user && !viewer.authSessionId) throw unauthorized();
	if (session.status === 'closed') throw conflict('session_closed', 'this session is closed');
	const { participant } = await sessionsService.enterRoom(ctx, viewer, session.id);
	if (!sessionsService.participantCanWrite(participant, session.status)) {
		throw forbidden(
			participant.status === 'muted' ? 'you have been muted' : 'observers cannot propose amendments'
		);
	}
	let anchor: { start: unknown; end: unknown };
	let passage: Passage | null;
	try {
		anchor = normalized(body.anchor);
	} catch {
		throw invalidAnchor('the anchor is not a pair of relative positions');
	}
	const doc = docFromState(await ctx.docs.state(item.docName));
	try {
		passage = readPassage(doc, anchor);
	} finally {
		doc.destroy();
	}
	if (!passage) throw invalidAnchor('the anchor does not point into this proposal');
	if (passage.to <= passage.from || passage.quote.length === 0)
		throw invalidAnchor('the anchored passage is empty');
	if (passage.quote === body.text)
		throw new ServiceError(400, 'invalid_payload', 'text: no change');

	const id = newId();
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		await tx.insert(amendments).values({
			id,
			itemId: item.id,
			sessionId: session.id,
			participantId: participant.id,
			authorName: participant.name,
			authorRole: participant.role,
			anchor,
			quoteThen: passage.quote,
			text: body.text,
			reason: body.reason || null,
			createdAt: now
		});
		await record(
			tx,
			session.id,
			'amendment_proposed',
			actorOf(participant),
			{
				amendmentId: id,
				itemId: item.id,
				quote: passage.quote,
				text: body.text,
				reason: body.reason || null,
				anchor: anchor as { start: never; end: never }
			},
			now
		);
	});
	changed(ctx, session.id, item.id);
	return { id, status: 'open' as const };
}

function changed(ctx: Ctx, sessionId: string, itemId: string) {
	// The room refetches an item's comments and amendments on `comments:changed {itemId}`.
	ctx.realtime.commentsChanged(sessionId, itemId);
	ctx.realtime.transcriptChanged(sessionId);
}

async function supporterCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.select({ id: amendmentSupporters.amendmentId, n: count() })
		.from(amendmentSupporters)
		.where(inArray(amendmentSupporters.amendmentId, ids))
		.groupBy(amendmentSupporters.amendmentId);
	return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

/** An item's amendments in document order, each with its passage as it reads NOW. */
export async function list(ctx: Ctx, viewer: Viewer, itemId: string): Promise<AmendmentView[]> {
	const { item, session } = await itemOf(ctx, itemId);
	await sessionsService.get(ctx, viewer, session.id);
	const me = await sessionsService.findMember(ctx, viewer, session.id);
	const rows = await ctx.db
		.select()
		.from(amendments)
		.where(eq(amendments.itemId, item.id))
		.orderBy(asc(amendments.createdAt));
	const counts = await supporterCounts(
		ctx.db,
		rows.map((r) => r.id)
	);
	const mine = me
		? new Set(
				(
					await ctx.db
						.select({ id: amendmentSupporters.amendmentId })
						.from(amendmentSupporters)
						.where(eq(amendmentSupporters.participantId, me.id))
				).map((r) => r.id)
			)
		: new Set<string>();
	const doc = rows.length ? docFromState(await ctx.docs.state(item.docName)) : null;
	try {
		const withRange = rows.map((r) => {
			const passage = doc ? readPassage(doc, r.anchor) : null;
			return { ...r, range: passage, quote: passage?.quote ?? '' };
		});
		return rules.documentOrder(withRange).map((r): AmendmentView => ({
			id: r.id,
			status: r.status,
			quote: r.quote,
			text: r.text,
			...(r.reason ? { reason: r.reason } : {}),
			author: { name: r.authorName, role: r.authorRole as Role },
			supporters: counts.get(r.id) ?? 0,
			quoteThen: r.quoteThen,
			anchor: r.anchor,
			...(r.voteId ? { voteId: r.voteId } : {}),
			at: r.createdAt.toISOString(),
			...(me && r.participantId === me.id ? { mine: true } : {}),
			...(mine.has(r.id) ? { supported: true } : {})
		}));
	} finally {
		doc?.destroy();
	}
}

/** Support from a participant: counted once per person, however often they ask. */
export async function support(ctx: Ctx, viewer: Viewer, id: string) {
	const row = await find(ctx.db, id);
	const session = await sessions.find(ctx.db, row.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (!viewer.user && !viewer.authSessionId) throw unauthorized();
	if (session.status === 'closed') throw conflict('session_closed', 'this session is closed');
	const { participant } = await sessionsService.enterRoom(ctx, viewer, session.id);
	if (!sessionsService.participantCanWrite(participant, session.status))
		throw forbidden('observers cannot support amendments');
	if (row.status !== 'open') throw conflict('amendment_not_open', `the amendment is ${row.status}`);
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		const added = await tx
			.insert(amendmentSupporters)
			.values({ amendmentId: id, participantId: participant.id, at: now })
			.onConflictDoNothing()
			.returning();
		if (added.length)
			await record(
				tx,
				session.id,
				'amendment_supported',
				actorOf(participant),
				{ amendmentId: id, itemId: row.itemId },
				now
			);
	});
	changed(ctx, session.id, row.itemId);
	return { supporters: (await supporterCounts(ctx.db, [id])).get(id) ?? 0 };
}

async function requireRunner(ctx: Ctx, viewer: Viewer, row: Row) {
	const user = requireConsole(viewer);
	if (user.role === 'clerk') throw forbidden('only the moderator decides amendments');
	const session = await sessions.find(ctx.db, row.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (!sessionsService.runsSession(viewer, session))
		throw forbidden('only the moderator can do this');
	return { user, session };
}

export async function accept(ctx: Ctx, viewer: Viewer, id: string) {
	const row = await find(ctx.db, id);
	const { user, session } = await requireRunner(ctx, viewer, row);
	if (session.status === 'closed') throw conflict('session_closed', 'this session is closed');
	return merge(ctx, row, actorOfUser(user));
}

export async function reject(ctx: Ctx, viewer: Viewer, id: string) {
	const row = await find(ctx.db, id);
	const { user } = await requireRunner(ctx, viewer, row);
	return close(ctx, row, 'rejected', actorOfUser(user));
}

async function close(ctx: Ctx, row: Row, status: 'rejected' | 'stale', actor: Actor) {
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		const [locked] = await tx
			.select()
			.from(amendments)
			.where(eq(amendments.id, row.id))
			.for('update');
		if (!locked || rules.decide(locked.status, 'reject') === null)
			throw conflict('invalid_transition', `the amendment is ${locked?.status}, not open`);
		await tx.update(amendments).set({ status, decidedAt: now }).where(eq(amendments.id, row.id));
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

async function merge(ctx: Ctx, row: Row, actor: Actor) {
	const [item] = await ctx.db.select().from(items).where(eq(items.id, row.itemId));
	if (!item) throw notFound('item_not_found', 'item');
	return serially(item.docName, async () => {
		const fresh = await find(ctx.db, row.id);
		if (fresh.status !== 'open')
			throw conflict('invalid_transition', `the amendment is ${fresh.status}, not open`);
		const others = await ctx.db
			.select()
			.from(amendments)
			.where(and(eq(amendments.itemId, item.id), eq(amendments.status, 'open')));
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
			await tx
				.update(amendments)
				.set({ status: 'accepted', decidedAt: now })
				.where(eq(amendments.id, fresh.id));
			if (outcome.stale.length)
				await tx
					.update(amendments)
					.set({ status: 'stale', decidedAt: now })
					.where(and(inArray(amendments.id, outcome.stale), eq(amendments.status, 'open')));
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
	const [row] = await db
		.select()
		.from(amendments)
		.where(eq(amendments.id, amendmentId))
		.for('update');
	if (!row || row.itemId !== vote.itemId)
		throw notFound('amendment_not_found', 'amendment on this item');
	if (row.status !== 'open') throw conflict('amendment_not_open', `the amendment is ${row.status}`);
	await db.update(amendments).set({ voteId: vote.id }).where(eq(amendments.id, amendmentId));
}

/** A vote on an amendment closed: passed merges it, failed rejects it. */
export async function decideByVote(ctx: Ctx, voteId: string, passed: boolean, actor: Actor) {
	const rows = await ctx.db
		.select()
		.from(amendments)
		.where(and(eq(amendments.voteId, voteId), eq(amendments.status, 'open')));
	for (const row of rows) {
		if (passed) await merge(ctx, row, actor);
		else await close(ctx, row, 'rejected', actor);
	}
}

/**
 * The amending phase: the proposal is read-only for everyone and changes only come as
 * amendments. Set for one item, or for the whole session (`session_floor.amending`).
 */
export async function isAmending(db: Db, item: { id: string; sessionId: string }) {
	const [own] = await db
		.select({ amending: itemOutcomes.amending })
		.from(itemOutcomes)
		.where(eq(itemOutcomes.itemId, item.id));
	if (own?.amending) return true;
	const [floor] = await db
		.select({ amending: sessionFloor.amending })
		.from(sessionFloor)
		.where(eq(sessionFloor.sessionId, item.sessionId));
	return floor?.amending ?? false;
}

/** Which of these items are in the amending phase themselves. */
export async function amendingItemIds(db: Db, itemIds: string[]): Promise<string[]> {
	if (itemIds.length === 0) return [];
	const rows = await db
		.select({ itemId: itemOutcomes.itemId })
		.from(itemOutcomes)
		.where(and(inArray(itemOutcomes.itemId, itemIds), eq(itemOutcomes.amending, true)));
	return rows.map((r) => r.itemId);
}

/** Documents reconnect after a phase change, so their write access is decided afresh. */
export function reconnectDocs(ctx: Ctx, docNames: string[]) {
	for (const name of docNames) ctx.docs.disconnect(name, 4000, 'phase changed');
}

export async function setPhase(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const { phase } = parse(phaseSchema, input);
	const { item, session } = await itemOf(ctx, itemId);
	const user = requireConsole(viewer);
	if (!sessionsService.runsSession(viewer, session) && user.role !== 'clerk')
		throw forbidden('only the moderator can do this');
	if (session.status === 'closed') throw conflict('session_closed', 'this session is closed');
	const amending = phase === 'amending';
	await ctx.db.transaction(async (tx) => {
		await tx
			.insert(itemOutcomes)
			.values({ itemId, amending })
			.onConflictDoUpdate({ target: itemOutcomes.itemId, set: { amending } });
		await record(tx, session.id, 'phase_changed', actorOfUser(user), { itemId, phase });
	});
	reconnectDocs(ctx, [item.docName]);
	ctx.realtime.sessionChanged(session.id);
	ctx.realtime.transcriptChanged(session.id);
	return { itemId, phase, amending: await isAmending(ctx.db, item) };
}
