/**
 * A community's WeCom group robot (`community_channels`) and the messages queued for it with
 * every attempt (`channel_deliveries`, the delivery log); services/channels.ts drives both.
 */
import { and, asc, desc, eq, gte, lte, or, sql } from 'drizzle-orm';
import type { Db } from './client';
import { channelDeliveries, communityChannels, sessions } from './schema';

export type Channel = typeof communityChannels.$inferSelect;
export type ChannelDelivery = typeof channelDeliveries.$inferSelect;

export async function find(db: Db, communityId: string): Promise<Channel | null> {
	const [row] = await db
		.select()
		.from(communityChannels)
		.where(eq(communityChannels.communityId, communityId));
	return row ?? null;
}

export async function put(
	db: Db,
	communityId: string,
	change: { wecomWebhook: string | null; wecomDigest: boolean },
	now: Date
): Promise<Channel> {
	const [row] = await db
		.insert(communityChannels)
		.values({ communityId, ...change, updatedAt: now })
		.onConflictDoUpdate({
			target: communityChannels.communityId,
			set: { ...change, updatedAt: now }
		})
		.returning();
	return row!;
}

/** Communities whose group robot also gets the daily digest. */
export async function withDigest(db: Db): Promise<Channel[]> {
	return db
		.select()
		.from(communityChannels)
		.where(
			and(
				eq(communityChannels.wecomDigest, true),
				sql`${communityChannels.wecomWebhook} is not null`
			)
		);
}

/** Cloud sessions a community's digest covers on a day: open ones and those ending that day. */
export async function digestSessions(
	db: Db,
	communityId: string,
	range: { start: Date; end: Date }
): Promise<string[]> {
	const rows = await db
		.select({ id: sessions.id })
		.from(sessions)
		.where(
			and(
				eq(sessions.communityId, communityId),
				eq(sessions.kind, 'cloud'),
				or(
					eq(sessions.status, 'open'),
					and(gte(sessions.closesAt, range.start), lte(sessions.closesAt, range.end))
				)
			)
		)
		.orderBy(asc(sessions.createdAt));
	return rows.map((r) => r.id);
}

/** Queues a message once: a second insert with the same key (another node) is ignored. */
export async function enqueue(
	db: Db,
	row: Pick<
		typeof channelDeliveries.$inferInsert,
		'id' | 'communityId' | 'dedupeKey' | 'kind' | 'params' | 'url' | 'nextAttemptAt'
	>
): Promise<boolean> {
	const inserted = await db
		.insert(channelDeliveries)
		.values({ ...row, status: 'pending' })
		.onConflictDoNothing({ target: channelDeliveries.dedupeKey })
		.returning({ id: channelDeliveries.id });
	return inserted.length > 0;
}

/**
 * The pending message due first, locked for the caller's transaction; rows another
 * transaction holds are skipped, so concurrent passes (any node) take different messages.
 */
export async function lockNextDue(db: Db, now: Date): Promise<ChannelDelivery | null> {
	const [row] = await db
		.select()
		.from(channelDeliveries)
		.where(and(eq(channelDeliveries.status, 'pending'), lte(channelDeliveries.nextAttemptAt, now)))
		.orderBy(asc(channelDeliveries.nextAttemptAt))
		.limit(1)
		.for('update', { skipLocked: true });
	return row ?? null;
}

export async function postpone(db: Db, id: string, nextAttemptAt: Date): Promise<void> {
	await db.update(channelDeliveries).set({ nextAttemptAt }).where(eq(channelDeliveries.id, id));
}

export type Attempt = Pick<
	ChannelDelivery,
	'attempts' | 'lastStatus' | 'lastError' | 'status' | 'deliveredAt' | 'nextAttemptAt'
>;

export async function recordAttempt(db: Db, id: string, attempt: Attempt): Promise<void> {
	await db.update(channelDeliveries).set(attempt).where(eq(channelDeliveries.id, id));
}

/** The community's latest messages, newest first (the log on the settings page). */
export async function recent(db: Db, communityId: string, limit = 20): Promise<ChannelDelivery[]> {
	return db
		.select()
		.from(channelDeliveries)
		.where(eq(channelDeliveries.communityId, communityId))
		.orderBy(desc(channelDeliveries.createdAt), desc(channelDeliveries.id))
		.limit(limit);
}

/** The community a session belongs to (null if the session is gone). */
export async function communityOfSession(db: Db, sessionId: string): Promise<string | null> {
	const [row] = await db
		.select({ communityId: sessions.communityId })
		.from(sessions)
		.where(eq(sessions.id, sessionId));
	return row?.communityId ?? null;
}
