/**
 * Collection of a chosen cost scheme: one row per household staff recorded as paid. A row that
 * is absent means outstanding, so "not paid after all" deletes it.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from './client';
import { costCollections } from './schema';

export type Collection = typeof costCollections.$inferSelect;

export async function listForScheme(db: Db, schemeId: string): Promise<Collection[]> {
	return db.select().from(costCollections).where(eq(costCollections.schemeId, schemeId));
}

/** Answers whether anything changed (false when the household was already marked paid). */
export async function markPaid(db: Db, row: typeof costCollections.$inferInsert): Promise<boolean> {
	const done = await db.insert(costCollections).values(row).onConflictDoNothing().returning();
	return done.length > 0;
}

/** Answers whether anything changed (false when the household was not marked paid). */
export async function markOutstanding(
	db: Db,
	schemeId: string,
	householdId: string
): Promise<boolean> {
	const done = await db
		.delete(costCollections)
		.where(
			and(eq(costCollections.schemeId, schemeId), eq(costCollections.householdId, householdId))
		)
		.returning();
	return done.length > 0;
}
