import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import { households, seats } from './schema';

export type Household = typeof households.$inferSelect;
export type Seat = typeof seats.$inferSelect;

/**
 * Inserts or updates units by (community, building, unit). Seat codes of existing units stay,
 * so slips already printed keep working after a corrected register is imported.
 */
export async function upsertMany(
	db: Db,
	rows: (typeof households.$inferInsert)[]
): Promise<number> {
	let n = 0;
	for (let i = 0; i < rows.length; i += 500) {
		const chunk = rows.slice(i, i + 500);
		const done = await db
			.insert(households)
			.values(chunk)
			.onConflictDoUpdate({
				target: [households.communityId, households.building, households.unit],
				set: {
					area: sql`excluded.area`,
					ownerKey: sql`excluded.owner_key`,
					// A floor staff corrected survives a re-import that only derived it from the unit.
					floor: sql`case when ${households.floorSource} = 'staff' and excluded.floor_source = 'unit' then ${households.floor} else excluded.floor end`,
					floorSource: sql`case when ${households.floorSource} = 'staff' and excluded.floor_source = 'unit' then ${households.floorSource} else excluded.floor_source end`
				}
			})
			.returning({ id: households.id });
		n += done.length;
	}
	return n;
}

export async function listForCommunity(db: Db, communityId: string): Promise<Household[]> {
	return db
		.select()
		.from(households)
		.where(eq(households.communityId, communityId))
		.orderBy(asc(households.building), asc(households.unit));
}

export async function findBySeatCode(db: Db, seatCode: string): Promise<Household | null> {
	const rows = await db.select().from(households).where(eq(households.seatCode, seatCode)).limit(1);
	return rows[0] ?? null;
}

export async function findById(db: Db, id: string): Promise<Household | null> {
	const rows = await db.select().from(households).where(eq(households.id, id)).limit(1);
	return rows[0] ?? null;
}

/** Claims an owner's seat; false when someone else holds it (the primary key decides). */
export async function claimSeat(db: Db, seat: typeof seats.$inferInsert): Promise<Seat | null> {
	const rows = await db.insert(seats).values(seat).onConflictDoNothing().returning();
	if (rows[0]) return rows[0];
	const [held] = await db
		.select()
		.from(seats)
		.where(and(eq(seats.sessionId, seat.sessionId), eq(seats.ownerKey, seat.ownerKey)));
	return held?.participantId === seat.participantId ? held : null;
}

export async function releaseSeat(db: Db, sessionId: string, ownerKey: string): Promise<boolean> {
	const rows = await db
		.delete(seats)
		.where(and(eq(seats.sessionId, sessionId), eq(seats.ownerKey, ownerKey)))
		.returning();
	return rows.length > 0;
}

export async function seatsOf(db: Db, sessionId: string, participantId: string): Promise<Seat[]> {
	return db
		.select()
		.from(seats)
		.where(and(eq(seats.sessionId, sessionId), eq(seats.participantId, participantId)));
}

export async function seatsInSession(db: Db, sessionId: string): Promise<Seat[]> {
	return db.select().from(seats).where(eq(seats.sessionId, sessionId));
}

export async function setFloor(db: Db, id: string, floor: number): Promise<Household | null> {
	const rows = await db
		.update(households)
		.set({ floor, floorSource: 'staff' })
		.where(eq(households.id, id))
		.returning();
	return rows[0] ?? null;
}

export async function findMany(db: Db, ids: string[]): Promise<Household[]> {
	if (ids.length === 0) return [];
	return db.select().from(households).where(inArray(households.id, ids));
}
