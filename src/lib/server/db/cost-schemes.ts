import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { costSchemes, costSchemeVotes, items } from './schema';

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

/** Chosen by a moderator without a vote: the table's hash is kept as a vote's choice keeps it. */
export async function markChosenByHand(
	db: Db,
	id: string,
	userId: string,
	tableHash: string,
	at: Date
) {
	await db
		.update(costSchemes)
		.set({ chosenBy: userId, chosenAt: at, tableHash })
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
