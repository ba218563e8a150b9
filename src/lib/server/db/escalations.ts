/** Cases escalated to the street (services/escalations.ts); their reminders: db/escalation-reminders.ts. */
import { asc, desc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { escalations, items } from './schema';
import type { Item } from './sessions';

export type Escalation = typeof escalations.$inferSelect;

export async function insert(db: Db, row: typeof escalations.$inferInsert): Promise<Escalation> {
	const [created] = await db.insert(escalations).values(row).returning();
	return created!;
}

/** A case with the item it escalated. */
export async function findWithItem(
	db: Db,
	id: string
): Promise<{ row: Escalation; itemTitle: string; item: Item } | null> {
	const [found] = await db
		.select({ row: escalations, itemTitle: items.title, item: items })
		.from(escalations)
		.innerJoin(items, eq(escalations.itemId, items.id))
		.where(eq(escalations.id, id));
	return found ?? null;
}

/** Reads a case and locks it for the rest of the transaction. */
export async function lock(db: Db, id: string): Promise<Escalation | null> {
	const [row] = await db.select().from(escalations).where(eq(escalations.id, id)).for('update');
	return row ?? null;
}

export async function update(
	db: Db,
	id: string,
	set: Partial<Omit<typeof escalations.$inferInsert, 'id'>>
): Promise<void> {
	await db.update(escalations).set(set).where(eq(escalations.id, id));
}

/** One street's cases (every street's with `null`) with their item's title, earliest deadline first. */
export function listByDeadline(
	db: Db,
	streetId: string | null
): Promise<{ row: Escalation; itemTitle: string }[]> {
	return db
		.select({ row: escalations, itemTitle: items.title })
		.from(escalations)
		.innerJoin(items, eq(escalations.itemId, items.id))
		.where(streetId ? eq(escalations.streetId, streetId) : undefined)
		.orderBy(asc(escalations.deadline));
}

/** Every case with its item's title, newest first. */
export function listNewestFirst(db: Db): Promise<{ row: Escalation; itemTitle: string }[]> {
	return db
		.select({ row: escalations, itemTitle: items.title })
		.from(escalations)
		.innerJoin(items, eq(escalations.itemId, items.id))
		.orderBy(desc(escalations.createdAt));
}
