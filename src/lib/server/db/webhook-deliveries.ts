/** The webhook delivery log: one row per event, updated on every attempt (services/webhooks.ts). */
import { and, asc, eq, lte } from 'drizzle-orm';
import type { Db } from './client';
import { webhookDeliveries } from './schema';

export type Delivery = typeof webhookDeliveries.$inferSelect;

export async function insert(db: Db, row: typeof webhookDeliveries.$inferInsert): Promise<void> {
	await db.insert(webhookDeliveries).values(row);
}

/**
 * The pending delivery due first, locked for the caller's transaction; rows another
 * transaction holds are skipped, so concurrent passes take different deliveries.
 */
export async function lockNextDue(db: Db, now: Date): Promise<Delivery | null> {
	const [row] = await db
		.select()
		.from(webhookDeliveries)
		.where(and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
		.orderBy(asc(webhookDeliveries.nextAttemptAt))
		.limit(1)
		.for('update', { skipLocked: true });
	return row ?? null;
}

export async function postpone(db: Db, id: string, nextAttemptAt: Date): Promise<void> {
	await db.update(webhookDeliveries).set({ nextAttemptAt }).where(eq(webhookDeliveries.id, id));
}

/** What one attempt changed on the delivery. */
export type Attempt = Pick<
	Delivery,
	'attempts' | 'lastStatus' | 'lastError' | 'status' | 'deliveredAt' | 'nextAttemptAt'
>;

export async function recordAttempt(db: Db, id: string, attempt: Attempt): Promise<void> {
	await db.update(webhookDeliveries).set(attempt).where(eq(webhookDeliveries.id, id));
}

/** Every delivery of an escalation, oldest first. */
export async function listForEscalation(db: Db, escalationId: string): Promise<Delivery[]> {
	return db
		.select()
		.from(webhookDeliveries)
		.where(eq(webhookDeliveries.escalationId, escalationId))
		.orderBy(asc(webhookDeliveries.createdAt));
}
