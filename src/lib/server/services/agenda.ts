import { and, eq } from 'drizzle-orm';
import {
	currentItemSchema,
	itemOrderSchema,
	itemStatusSchema,
	sessionSettingsSchema
} from '$lib/protocol';
import { items, sessions as sessionsTable } from '../db/schema';
import * as sessions from '../db/sessions';
import type { Ctx, Viewer } from './context';
import { notFound, parse, ServiceError } from './errors';
import { requireConsole } from './permissions';

async function openSession(ctx: Ctx, sessionId: string) {
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (session.status === 'closed')
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	return session;
}

export async function setItemStatus(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	requireConsole(viewer);
	const { status } = parse(itemStatusSchema, input);
	const [item] = await ctx.db.select().from(items).where(eq(items.id, itemId));
	if (!item) throw notFound('item_not_found', 'item');
	await openSession(ctx, item.sessionId);
	const [updated] = await ctx.db
		.update(items)
		.set({ status })
		.where(eq(items.id, itemId))
		.returning();
	ctx.realtime.sessionChanged(item.sessionId);
	return updated!;
}

export async function setCurrentItem(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	requireConsole(viewer);
	const { itemId } = parse(currentItemSchema, input);
	const session = await openSession(ctx, sessionId);
	if (!session.items.some((i) => i.id === itemId)) throw notFound('item_not_found', 'item');
	await ctx.db
		.update(sessionsTable)
		.set({ currentItemId: itemId })
		.where(eq(sessionsTable.id, sessionId));
	ctx.realtime.sessionChanged(sessionId);
	return (await sessions.find(ctx.db, sessionId))!;
}

/** Reorders the agenda; the list must name every item of the session exactly once. */
export async function reorderItems(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	requireConsole(viewer);
	const { itemIds } = parse(itemOrderSchema, input);
	const session = await openSession(ctx, sessionId);
	const known = new Set(session.items.map((i) => i.id));
	if (
		itemIds.length !== known.size ||
		new Set(itemIds).size !== known.size ||
		itemIds.some((id) => !known.has(id))
	) {
		throw new ServiceError(
			400,
			'invalid_payload',
			'itemIds must list every item of the session once'
		);
	}
	await ctx.db.transaction(async (tx) => {
		// Two passes keep the (session, position) unique key satisfied throughout.
		for (const [i, id] of itemIds.entries()) {
			await tx
				.update(items)
				.set({ position: 1000 + i })
				.where(and(eq(items.id, id), eq(items.sessionId, sessionId)));
		}
		for (const [i, id] of itemIds.entries()) {
			await tx.update(items).set({ position: i }).where(eq(items.id, id));
		}
	});
	ctx.realtime.sessionChanged(sessionId);
	return (await sessions.find(ctx.db, sessionId))!;
}

export async function updateSettings(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	requireConsole(viewer);
	const { speakingLimitSeconds } = parse(sessionSettingsSchema, input);
	await openSession(ctx, sessionId);
	await ctx.db
		.update(sessionsTable)
		.set({ speakingLimitSeconds })
		.where(eq(sessionsTable.id, sessionId));
	ctx.realtime.sessionChanged(sessionId);
	return (await sessions.find(ctx.db, sessionId))!;
}
