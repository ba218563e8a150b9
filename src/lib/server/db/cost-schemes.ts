import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { costCollections, costSchemes, costSchemeVotes, items } from './schema';

export type CostScheme = typeof costSchemes.$inferSelect;
export type FrozenHousehold = NonNullable<CostScheme['frozen']>[number];

/** The item a scheme belongs to (any item: schemes hang off the agenda). */
export async function findItem(db: Db, itemId: string) {
	const rows = await db.select().from(items).where(eq(items.id, itemId)).limit(1);
	return rows[0] ?? null;
}

export async function insert(db: Db, row: typeof costSchemes.$inferInsert): Promise<CostScheme> {
	const [created] = await db.insert(costSchemes).values(row).returning();
	return created!;
}

export async function find(db: Db, id: string): Promise<CostScheme | null> {
	const rows = await db.select().from(costSchemes).where(eq(costSchemes.id, id)).limit(1);
	return rows[0] ?? null;
}

export async function listForItem(db: Db, itemId: string): Promise<CostScheme[]> {
	return db
		.select()
		.from(costSchemes)
		.where(eq(costSchemes.itemId, itemId))
		.orderBy(asc(costSchemes.createdAt), asc(costSchemes.id));
}

export async function findMany(db: Db, ids: string[]): Promise<CostScheme[]> {
	if (ids.length === 0) return [];
	return db.select().from(costSchemes).where(inArray(costSchemes.id, ids));
}

export async function freeze(db: Db, id: string, frozen: FrozenHousehold[], at: Date) {
	await db.update(costSchemes).set({ frozen, frozenAt: at }).where(eq(costSchemes.id, id));
}

export async function markChosen(db: Db, id: string, voteId: string, tableHash: string) {
	await db
		.update(costSchemes)
		.set({ chosenVoteId: voteId, tableHash })
		.where(eq(costSchemes.id, id));
}

export async function link(db: Db, rows: (typeof costSchemeVotes.$inferInsert)[]) {
	if (rows.length) await db.insert(costSchemeVotes).values(rows);
}

export async function linksOfVote(db: Db, voteId: string) {
	return db.select().from(costSchemeVotes).where(eq(costSchemeVotes.voteId, voteId));
}

export async function linksOfSchemes(db: Db, schemeIds: string[]) {
	if (schemeIds.length === 0) return [];
	return db.select().from(costSchemeVotes).where(inArray(costSchemeVotes.schemeId, schemeIds));
}

export async function collected(db: Db, schemeId: string) {
	return db.select().from(costCollections).where(eq(costCollections.schemeId, schemeId));
}

export async function markCollected(
	db: Db,
	row: typeof costCollections.$inferInsert
): Promise<boolean> {
	const done = await db.insert(costCollections).values(row).onConflictDoNothing().returning();
	return done.length > 0;
}

export async function unmarkCollected(db: Db, schemeId: string, householdId: string) {
	const done = await db
		.delete(costCollections)
		.where(
			and(eq(costCollections.schemeId, schemeId), eq(costCollections.householdId, householdId))
		)
		.returning();
	return done.length > 0;
}
