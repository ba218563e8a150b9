/** Item outcomes (follow-ups: follow-ups.ts), the amending phase and per-session floor settings. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { itemOutcomes, items, sessionFloor } from './schema';

export type ItemOutcome = typeof itemOutcomes.$inferSelect;
export type Item = typeof items.$inferSelect;

export async function findItem(db: Db, itemId: string): Promise<Item | null> {
	const [row] = await db.select().from(items).where(eq(items.id, itemId)).limit(1);
	return row ?? null;
}

export async function lockItem(db: Db, itemId: string): Promise<Item | null> {
	const [row] = await db.select().from(items).where(eq(items.id, itemId)).for('update');
	return row ?? null;
}

export async function setItemStatus(db: Db, itemId: string, status: Item['status']) {
	await db.update(items).set({ status }).where(eq(items.id, itemId));
}

export async function find(db: Db, itemId: string): Promise<ItemOutcome | null> {
	const [row] = await db.select().from(itemOutcomes).where(eq(itemOutcomes.itemId, itemId));
	return row ?? null;
}

/** Upserts some columns of an item's outcome row. */
export async function put(
	db: Db,
	itemId: string,
	set: Partial<Omit<typeof itemOutcomes.$inferInsert, 'itemId'>>
): Promise<void> {
	await db
		.insert(itemOutcomes)
		.values({ itemId, ...set })
		.onConflictDoUpdate({ target: itemOutcomes.itemId, set });
}

/** Remembers that the moderator set an item's status by hand (in the caller's transaction). */
export function noteHandStatus(db: Db, itemId: string, status: string, at: Date) {
	return put(db, itemId, { statusSetAt: at, handStatus: status });
}

export type FloorRow = typeof sessionFloor.$inferSelect;

export async function floorOf(db: Db, sessionId: string): Promise<FloorRow | null> {
	const [row] = await db.select().from(sessionFloor).where(eq(sessionFloor.sessionId, sessionId));
	return row ?? null;
}

export async function putFloor(
	db: Db,
	sessionId: string,
	set: Partial<Omit<typeof sessionFloor.$inferInsert, 'sessionId'>>
): Promise<void> {
	await db
		.insert(sessionFloor)
		.values({ sessionId, ...set })
		.onConflictDoUpdate({ target: sessionFloor.sessionId, set });
}

/**
 * The amending phase: the proposal is read-only for everyone and changes only come as
 * amendments. Set for one item, or for the whole session.
 */
export async function isAmending(db: Db, item: { id: string; sessionId: string }) {
	const own = await find(db, item.id);
	if (own?.amending) return true;
	return (await floorOf(db, item.sessionId))?.amending ?? false;
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
