/**
 * Decisions that carry through: a decided item gets an outcome statement (what was decided,
 * who does what by when) and progress updates (未开始 / 进行中 / 已完成 / 已搁置) on the public
 * record. Closing a vote settles the item's status (vote-outcomes.ts).
 */
import { outcomeSchema, progressSchema, type OutcomeView } from '$lib/protocol';
import * as clock from '../clock';
import * as outcomesDb from '../db/outcomes';
import * as sessions from '../db/sessions';
import { newId } from '../ids';
import type { Ctx, Viewer } from './context';
import { notFound, parse } from './errors';
import { requireCan } from '../access/check';
import * as photos from './photos';
import * as sessionsService from './sessions';
import { actorOfUser, record } from './transcript';

async function itemAndSession(ctx: Ctx, itemId: string) {
	const item = await outcomesDb.findItem(ctx.db, itemId);
	if (!item) throw notFound('item_not_found', 'item');
	const session = await sessions.find(ctx.db, item.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	return { item, session };
}

/** The one who runs the session (its community's moderators, or the street on a consultation). */
function requireRunner(ctx: Ctx, viewer: Viewer, session: { id: string }) {
	return requireCan(ctx, viewer, 'session.run', { sessionId: session.id });
}

/** The outcome statement: what was decided, who does what by when. */
export async function setOutcome(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const body = parse(outcomeSchema, input);
	const { item, session } = await itemAndSession(ctx, itemId);
	const user = await requireRunner(ctx, viewer, session);
	const values = { text: body.text, owner: body.owner || null, due: body.due || null };
	await ctx.db.transaction(async (tx) => {
		await outcomesDb.put(tx, itemId, values);
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
	const user = await requireRunner(ctx, viewer, session);
	if (body.photoId) await photos.requirePhotoOf(ctx, body.photoId, session.communityId);
	const id = newId();
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		await outcomesDb.addProgress(tx, {
			id,
			itemId,
			text: body.text,
			status: body.status,
			photoId: body.photoId ?? null,
			authorName: user.username,
			at: now
		});
		await outcomesDb.put(tx, itemId, { progress: body.status });
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
	const row = await outcomesDb.find(ctx.db, itemId);
	const updates = await outcomesDb.progressOf(ctx.db, itemId);
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
	if (session.status !== 'closed') await sessionsService.get(ctx, viewer, session.id);
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
