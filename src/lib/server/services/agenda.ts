import {
	currentItemSchema,
	itemOrderSchema,
	itemStatusSchema,
	sessionSettingsSchema,
	floorSettingsSchema
} from '$lib/protocol';
import * as clock from '../clock';
import type { Db } from '../db/client';
import * as itemsDb from '../db/items';
import * as sessionState from '../db/session-state';
import * as sessions from '../db/sessions';
import type { Ctx, Viewer } from './context';
import { notFound, parse, ServiceError } from './errors';
import { requireCan } from '../access/check';
import { checkpoint, snapshot } from './proposals';
import * as outcomesDb from '../db/outcomes';
import { reconnectDocs } from './amendment-merge';
import * as floor from './floor';
import { actorOfUser, record } from './transcript';

async function openSession(db: Db, sessionId: string) {
	const session = await sessions.find(db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (session.status === 'closed') {
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	}
	return session;
}

export async function setItemStatus(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const user = await requireCan(ctx, viewer, 'session.console', { itemId });
	const { status } = parse(itemStatusSchema, input);
	const found = await outcomesDb.findItem(ctx.db, itemId);
	if (!found) throw notFound('item_not_found', 'item');
	// The proposal as it stood when the item went to a vote or was settled (read before the tx).
	const snap = ['voting', 'resolved', 'unresolved'].includes(status)
		? await snapshot(ctx, found.docName)
		: null;
	const updated = await ctx.db.transaction(async (tx) => {
		const item = await outcomesDb.lockItem(tx, itemId);
		if (!item) throw notFound('item_not_found', 'item');
		await openSession(tx, item.sessionId);
		await outcomesDb.setItemStatus(tx, itemId, status);
		await record(tx, item.sessionId, 'item_status', actorOfUser(user), {
			itemId,
			title: item.title,
			from: item.status,
			to: status
		});
		if (snap) await checkpoint(tx, item, snap, `status:${status}`, actorOfUser(user));
		await outcomesDb.noteHandStatus(tx, itemId, status, clock.now());
		return { ...item, status };
	});
	ctx.realtime.sessionChanged(updated.sessionId);
	return updated;
}

export async function setCurrentItem(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	const { itemId } = parse(currentItemSchema, input);
	await ctx.db.transaction(async (tx) => {
		const session = await openSession(tx, sessionId);
		const item = session.items.find((i) => i.id === itemId);
		if (!item) throw notFound('item_not_found', 'item');
		await sessionState.setCurrentItem(tx, sessionId, itemId);
		await record(tx, sessionId, 'current_item', actorOfUser(user), { itemId, title: item.title });
	});
	ctx.realtime.sessionChanged(sessionId);
	return (await sessions.find(ctx.db, sessionId))!;
}

/** Reorders the agenda; the list must name every item of the session exactly once. */
export async function reorderItems(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	const { itemIds } = parse(itemOrderSchema, input);
	await ctx.db.transaction(async (tx) => {
		const session = await openSession(tx, sessionId);
		const known = new Set(session.items.map((i) => i.id));
		const complete =
			itemIds.length === known.size &&
			new Set(itemIds).size === known.size &&
			itemIds.every((id) => known.has(id));
		if (!complete) {
			throw new ServiceError(
				400,
				'invalid_payload',
				'itemIds must list every item of the session once'
			);
		}
		await itemsDb.reorder(tx, sessionId, itemIds);
		await record(tx, sessionId, 'agenda_reordered', actorOfUser(user), { itemIds });
	});
	ctx.realtime.sessionChanged(sessionId);
	return (await sessions.find(ctx.db, sessionId))!;
}

export async function updateSettings(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	const { speakingLimitSeconds } = parse(sessionSettingsSchema, input);
	const floorBody = parse(floorSettingsSchema, input);
	// Who may propose cost schemes is the moderator's call, as opening votes is (not a clerk's).
	if (floorBody.costDrafting !== undefined)
		await requireCan(ctx, viewer, 'session.run', { sessionId });
	const session = await ctx.db.transaction(async (tx) => {
		const session = await openSession(tx, sessionId);
		if (speakingLimitSeconds !== undefined)
			await sessionState.setSpeakingLimit(tx, sessionId, speakingLimitSeconds);
		const floorChanged = await floor.apply(tx, sessionId, floorBody);
		if (speakingLimitSeconds === undefined && Object.keys(floorChanged).length === 0)
			throw new ServiceError(400, 'invalid_payload', 'nothing to change');
		await record(tx, sessionId, 'settings_changed', actorOfUser(user), {
			...(speakingLimitSeconds !== undefined ? { speakingLimitSeconds } : {}),
			...floorChanged
		});
		return session;
	});
	if (floorBody.amending !== undefined)
		reconnectDocs(
			ctx,
			session.items.map((i) => i.docName)
		);
	ctx.realtime.sessionChanged(sessionId);
	return (await sessions.find(ctx.db, sessionId))!;
}
