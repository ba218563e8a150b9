import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { amendmentSupporters, amendments } from './schema';

export type Amendment = typeof amendments.$inferSelect;

export async function insert(db: Db, row: typeof amendments.$inferInsert): Promise<void> {
	await db.insert(amendments).values(row);
}

export async function find(db: Db, id: string): Promise<Amendment | null> {
	const [row] = await db.select().from(amendments).where(eq(amendments.id, id));
	return row ?? null;
}

export async function lock(db: Db, id: string): Promise<Amendment | null> {
	const [row] = await db.select().from(amendments).where(eq(amendments.id, id)).for('update');
	return row ?? null;
}

export function listForItem(db: Db, itemId: string): Promise<Amendment[]> {
	return db
		.select()
		.from(amendments)
		.where(eq(amendments.itemId, itemId))
		.orderBy(asc(amendments.createdAt));
}

export function openForItem(db: Db, itemId: string): Promise<Amendment[]> {
	return db
		.select()
		.from(amendments)
		.where(and(eq(amendments.itemId, itemId), eq(amendments.status, 'open')));
}

export function openForVote(db: Db, voteId: string): Promise<Amendment[]> {
	return db
		.select()
		.from(amendments)
		.where(and(eq(amendments.voteId, voteId), eq(amendments.status, 'open')));
}

export async function setStatus(
	db: Db,
	ids: string[],
	status: Amendment['status'],
	at: Date,
	onlyOpen = false
): Promise<void> {
	if (ids.length === 0) return;
	await db
		.update(amendments)
		.set({ status, decidedAt: at })
		.where(
			onlyOpen
				? and(inArray(amendments.id, ids), eq(amendments.status, 'open'))
				: inArray(amendments.id, ids)
		);
}

export async function setVote(db: Db, id: string, voteId: string): Promise<void> {
	await db.update(amendments).set({ voteId }).where(eq(amendments.id, id));
}

/** Adds a supporter; false when this person already supported it. */
export async function addSupporter(
	db: Db,
	amendmentId: string,
	participantId: string,
	at: Date
): Promise<boolean> {
	const added = await db
		.insert(amendmentSupporters)
		.values({ amendmentId, participantId, at })
		.onConflictDoNothing()
		.returning();
	return added.length > 0;
}

export async function supporterCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.select({ id: amendmentSupporters.amendmentId, n: count() })
		.from(amendmentSupporters)
		.where(inArray(amendmentSupporters.amendmentId, ids))
		.groupBy(amendmentSupporters.amendmentId);
	return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

export async function supportedBy(db: Db, participantId: string): Promise<Set<string>> {
	const rows = await db
		.select({ id: amendmentSupporters.amendmentId })
		.from(amendmentSupporters)
		.where(eq(amendmentSupporters.participantId, participantId));
	return new Set(rows.map((r) => r.id));
}
