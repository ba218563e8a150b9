import { eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { householdShortCodes, households } from './schema';
import type { Household } from './households';

/** Short codes of these households (those that have one). */
export async function forHouseholds(db: Db, ids: string[]): Promise<Map<string, string>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.select()
		.from(householdShortCodes)
		.where(inArray(householdShortCodes.householdId, ids));
	return new Map(rows.map((r) => [r.householdId, r.code]));
}

/** Gives a household a code; false when the code is taken (the caller draws another). */
export async function assign(db: Db, householdId: string, code: string): Promise<boolean> {
	const rows = await db
		.insert(householdShortCodes)
		.values({ householdId, code })
		.onConflictDoNothing()
		.returning();
	return rows.length === 1;
}

export async function findHousehold(db: Db, code: string): Promise<Household | null> {
	const rows = await db
		.select({ household: households })
		.from(householdShortCodes)
		.innerJoin(households, eq(households.id, householdShortCodes.householdId))
		.where(eq(householdShortCodes.code, code))
		.limit(1);
	return rows[0]?.household ?? null;
}
