/**
 * Decisions that carry through: closing a vote settles its item (unless the moderator set the
 * status by hand after the vote opened), and a decided item gets an outcome statement and
 * progress updates (未开始 / 进行中 / 已完成 / 已搁置) on the public record.
 */
import { asc, eq } from 'drizzle-orm';
import { outcomeSchema, progressSchema, type OutcomeView } from '$lib/protocol';
import * as clock from '../clock';
import type { Db } from '../db/client';
import { itemOutcomes, itemProgress, items } from '../db/schema';
import * as sessions from '../db/sessions';
import { statusAfterVote, type ItemStatus } from '../domain/item-outcome';
import type { Actor } from '../domain/transcript';
import { newId } from '../ids';
import * as amendments from './amendments';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse } from './errors';
import { requireConsole } from './permissions';
import * as photos from './photos';
import { checkpoint, snapshot } from './proposals';
import * as sessionsService from './sessions';
import { runsSession } from './sessions';
import { actorOfUser, record } from './transcript';

/** Remembers that the moderator set an item's status by hand (in the caller's transaction). */
export async function noteHandStatus(db: Db, itemId: string, status: string, at = clock.now()) {
	await db
		.insert(itemOutcomes)
		.values({ itemId, statusSetAt: at, handStatus: status })
		.onConflictDoUpdate({
			target: itemOutcomes.itemId,
			set: { statusSetAt: at, handStatus: status }
		});
}

interface ClosedVote {
	id: string;
	itemId: string;
	sessionId: string;
	openedAt: Date | null;
	result: unknown;
}

/**
 * After a vote closed (committed): the item's status follows the result, and an amendment put
 * to this vote is merged (passed) or rejected (failed). Failures are logged, never undo the
 * close, which is already recorded.
 */
export async function afterVoteClosed(
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
		await amendments.decideByVote(ctx, vote.id, passed, actor);
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
	const [found] = await ctx.db.select().from(items).where(eq(items.id, vote.itemId));
	if (!found) return;
	const [hand] = await ctx.db
		.select()
		.from(itemOutcomes)
		.where(eq(itemOutcomes.itemId, vote.itemId));
	const next = statusAfterVote(
		{ openedAt: vote.openedAt, passed },
		hand?.statusSetAt ? { at: hand.statusSetAt, status: hand.handStatus as ItemStatus } : null
	);
	if (!next || next === found.status) return;
	const snap = await snapshot(ctx, found.docName);
	const changed = await ctx.db.transaction(async (tx) => {
		const [item] = await tx.select().from(items).where(eq(items.id, vote.itemId)).for('update');
		if (!item || item.status === next) return false;
		await tx.update(items).set({ status: next }).where(eq(items.id, item.id));
		await record(
			tx,
			item.sessionId,
			'item_status',
			actor,
			{ itemId: item.id, title: item.title, from: item.status, to: next, voteId: vote.id },
			now
		);
		await tx
			.insert(itemOutcomes)
			.values({ itemId: item.id, decidedAt: now })
			.onConflictDoUpdate({ target: itemOutcomes.itemId, set: { decidedAt: now } });
		await checkpoint(tx, item, snap, `status:${next}`, actor);
		return true;
	});
	if (changed) {
		ctx.realtime.sessionChanged(vote.sessionId);
		ctx.realtime.transcriptChanged(vote.sessionId);
	}
}

async function itemAndSession(ctx: Ctx, itemId: string) {
	const [item] = await ctx.db.select().from(items).where(eq(items.id, itemId));
	if (!item) throw notFound('item_not_found', 'item');
	const session = await sessions.find(ctx.db, item.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	return { item, session };
}

function requireRunner(viewer: Viewer, session: { escalationId: string | null }) {
	const user = requireConsole(viewer);
	if (!runsSession(viewer, session)) throw forbidden('only the moderator can do this');
	return user;
}

/** The outcome statement: what was decided, who does what by when. */
export async function setOutcome(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const body = parse(outcomeSchema, input);
	const { item, session } = await itemAndSession(ctx, itemId);
	const user = requireRunner(viewer, session);
	const values = { text: body.text, owner: body.owner || null, due: body.due || null };
	await ctx.db.transaction(async (tx) => {
		await tx
			.insert(itemOutcomes)
			.values({ itemId, ...values })
			.onConflictDoUpdate({ target: itemOutcomes.itemId, set: values });
		await record(tx, session.id, 'outcome_set', actorOfUser(user), { itemId, ...values });
	});
	ctx.realtime.sessionChanged(session.id);
	ctx.realtime.transcriptChanged(session.id);
	return view(ctx, item.id, item.title, item.status);
}

/** A progress update, with the follow-up status it leaves the outcome in. */
export async function addProgress(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const body = parse(progressSchema, input);
	const { session } = await itemAndSession(ctx, itemId);
	const user = requireRunner(viewer, session);
	if (body.photoId) await photos.requirePhotoOf(ctx, body.photoId, session.communityId);
	const id = newId();
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		await tx.insert(itemProgress).values({
			id,
			itemId,
			text: body.text,
			status: body.status,
			photoId: body.photoId ?? null,
			authorName: user.username,
			at: now
		});
		await tx
			.insert(itemOutcomes)
			.values({ itemId, progress: body.status })
			.onConflictDoUpdate({ target: itemOutcomes.itemId, set: { progress: body.status } });
		// After a session closed its chain still takes entries: the follow-up is on the record.
		await record(
			tx,
			session.id,
			'outcome_progress',
			actorOfUser(user),
			{ itemId, text: body.text, status: body.status, photoId: body.photoId ?? null },
			now
		);
	});
	ctx.realtime.sessionChanged(session.id);
	ctx.realtime.transcriptChanged(session.id);
	return { id, at: now.toISOString() };
}

async function view(
	ctx: Ctx,
	itemId: string,
	title: string,
	itemStatus: string
): Promise<OutcomeView> {
	const [row] = await ctx.db.select().from(itemOutcomes).where(eq(itemOutcomes.itemId, itemId));
	const updates = await ctx.db
		.select()
		.from(itemProgress)
		.where(eq(itemProgress.itemId, itemId))
		.orderBy(asc(itemProgress.at));
	return {
		itemId,
		title,
		itemStatus,
		text: row?.text ?? '',
		...(row?.owner ? { owner: row.owner } : {}),
		...(row?.due ? { due: row.due } : {}),
		status: row?.progress ?? 'not_started',
		updates: updates.map((u) => ({
			text: u.text,
			status: u.status,
			at: u.at.toISOString(),
			...(u.photoId ? { photoUrl: photos.photoUrl(u.photoId) } : {})
		}))
	};
}

/** The outcome of an item: anyone once the session is closed, its members before. */
export async function get(ctx: Ctx, viewer: Viewer, itemId: string): Promise<OutcomeView> {
	const { item, session } = await itemAndSession(ctx, itemId);
	if (session.status !== 'closed') {
		await sessionsService.get(ctx, viewer, session.id);
	}
	return view(ctx, item.id, item.title, item.status);
}

/** Outcomes of a session's items that have one (public pages). */
export async function listForSession(ctx: Ctx, sessionId: string): Promise<OutcomeView[]> {
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) return [];
	const out: OutcomeView[] = [];
	for (const item of session.items) {
		const v = await view(ctx, item.id, item.title, item.status);
		if (v.text || v.updates.length) out.push(v);
	}
	return out;
}
