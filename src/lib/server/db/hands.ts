import { and, asc, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db } from './client';
import { hands, participants } from './schema';

export type HandRow = typeof hands.$inferSelect;

/** Waiting and speaking hands of a session, oldest first. */
export async function live(db: Db, sessionId: string): Promise<HandRow[]> {
	return db
		.select()
		.from(hands)
		.where(and(eq(hands.sessionId, sessionId), inArray(hands.status, ['waiting', 'speaking'])))
		.orderBy(asc(hands.raisedAt));
}

export async function insert(db: Db, row: typeof hands.$inferInsert): Promise<void> {
	await db.insert(hands).values(row);
}

export async function setStatus(
	db: Db,
	id: string,
	patch: Partial<Pick<HandRow, 'status' | 'startedAt' | 'endedAt' | 'limitSeconds'>>
): Promise<void> {
	await db.update(hands).set(patch).where(eq(hands.id, id));
}

/** Finished turns with the speaker's bloc, for speaking-time totals. */
export async function turns(db: Db, sessionId: string) {
	const rows = await db
		.select({ role: participants.role, startedAt: hands.startedAt, endedAt: hands.endedAt })
		.from(hands)
		.innerJoin(participants, eq(hands.participantId, participants.id))
		.where(and(eq(hands.sessionId, sessionId), eq(hands.status, 'done'), isNotNull(hands.endedAt)));
	return rows.map((r) => ({ role: r.role, startedAt: r.startedAt!, endedAt: r.endedAt! }));
}
