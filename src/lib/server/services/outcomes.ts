/**
 * Decisions that carry through: a decided item gets an outcome statement (what was decided,
 * who does what by when) and progress updates (未开始 / 进行中 / 已完成 / 已搁置) on the public
 * record. Closing a vote settles the item's status (vote-outcomes.ts).
 */
import { outcomeSchema, progressSchema, type OutcomeView } from '$lib/protocol';
import * as clock from '../clock';
import * as outcomesDb from '../db/outcomes';
import * as sessions from '../db/sessions';
import type { Ctx, Viewer } from './context';
import { notFound, parse, ServiceError } from './errors';
import * as followUps from './follow-ups';
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
	return view(ctx, viewer, item, session);
}

/** The decided item as a follow-up subject (services/follow-ups.ts). */
function subjectOf(
	item: { id: string; title: string },
	session: { communityId: string }
): followUps.Subject {
	return {
		kind: 'item',
		id: item.id,
		communityId: session.communityId,
		title: item.title,
		url: outcomeUrl(item.id)
	};
}

export const outcomeUrl = (itemId: string) => `/outcomes/${itemId}`;

/** A progress update, with the follow-up status it leaves the outcome in. */
export async function addProgress(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const body = parse(progressSchema, input);
	const { item, session } = await itemAndSession(ctx, itemId);
	const user = await requireRunner(ctx, viewer, session);
	if (body.photoId) await photos.requirePhotoOf(ctx, body.photoId, session.communityId);
	const now = clock.now();
	const id = await ctx.db.transaction(async (tx) => {
		const id = await followUps.addUpdate(tx, subjectOf(item, session), user.username, body, now);
		// After a session closed its chain still takes entries: the follow-up is on the record.
		await record(
			tx,
			session.id,
			'outcome_progress',
			actorOfUser(user),
			{ itemId, text: body.text, status: body.status, photoId: body.photoId ?? null },
			now
		);
		return id;
	});
	ctx.realtime.sessionChanged(session.id);
	ctx.realtime.transcriptChanged(session.id);
	return { id, at: now.toISOString() };
}

/**
 * The public notice (公示) of how a decision was carried out: once the session is closed and the
 * outcome is written, for `{days}`; community participants rate it meanwhile.
 */
export async function openNotice(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const { item, session } = await itemAndSession(ctx, itemId);
	await requireRunner(ctx, viewer, session);
	if (session.status !== 'closed') {
		throw new ServiceError(409, 'session_open', 'the notice opens once the session is closed');
	}
	if (!(await outcomesDb.find(ctx.db, itemId))?.text) {
		throw new ServiceError(409, 'no_outcome', 'write the outcome before its public notice');
	}
	return followUps.openNotice(ctx, subjectOf(item, session), input);
}

/** A community participant's rating during the notice. */
export async function rate(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const { item, session } = await itemAndSession(ctx, itemId);
	return followUps.rate(ctx, viewer, subjectOf(item, session), input);
}

async function view(
	ctx: Ctx,
	viewer: Viewer,
	item: { id: string; title: string; status: string },
	session: { id: string; communityId: string; status: string }
): Promise<OutcomeView> {
	const row = await outcomesDb.find(ctx.db, item.id);
	const followUp = await followUps.view(ctx, viewer, subjectOf(item, session));
	return {
		...followUp,
		itemId: item.id,
		sessionId: session.id,
		sessionClosed: session.status === 'closed',
		communityId: session.communityId,
		title: item.title,
		itemStatus: item.status,
		text: row?.text ?? '',
		...(row?.owner ? { owner: row.owner } : {}),
		...(row?.due ? { due: row.due } : {}),
		// An item's updates always name a status (progressSchema); a project's may not.
		updates: followUp.updates.map(({ id: _id, status, ...u }) => ({
			...u,
			status: status ?? followUp.status
		}))
	};
}

/** The outcome of an item: anyone once the session is closed, its members before. */
export async function get(ctx: Ctx, viewer: Viewer, itemId: string): Promise<OutcomeView> {
	const { item, session } = await itemAndSession(ctx, itemId);
	if (session.status !== 'closed') await sessionsService.get(ctx, viewer, session.id);
	return view(ctx, viewer, item, session);
}

/** Outcomes of a session's items that have one (public pages). */
export async function listForSession(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string
): Promise<OutcomeView[]> {
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) return [];
	const out: OutcomeView[] = [];
	for (const item of session.items) {
		const v = await view(ctx, viewer, item, session);
		if (v.text || v.updates.length) out.push(v);
	}
	return out;
}
