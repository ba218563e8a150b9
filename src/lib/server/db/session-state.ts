/**
 * A session row after it was created: its current item, its speaking limit, closing it, and
 * finding sessions by that state (closed ones for the archive, a case's consultation).
 */
import { and, desc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { sessions } from './schema';
import type { Session } from './sessions';

export async function setCurrentItem(db: Db, sessionId: string, itemId: string): Promise<void> {
	await db.update(sessions).set({ currentItemId: itemId }).where(eq(sessions.id, sessionId));
}

export async function setSpeakingLimit(
	db: Db,
	sessionId: string,
	speakingLimitSeconds: number
): Promise<void> {
	await db.update(sessions).set({ speakingLimitSeconds }).where(eq(sessions.id, sessionId));
}

/** Reads the session row and locks it for the rest of the transaction. */
export async function lock(db: Db, sessionId: string): Promise<Session | null> {
	const [row] = await db.select().from(sessions).where(eq(sessions.id, sessionId)).for('update');
	return row ?? null;
}

export async function markClosed(db: Db, sessionId: string): Promise<void> {
	await db.update(sessions).set({ status: 'closed' }).where(eq(sessions.id, sessionId));
}

/** A community's closed sessions, newest first. */
export function closedOf(db: Db, communityId: string): Promise<Session[]> {
	return db
		.select()
		.from(sessions)
		.where(and(eq(sessions.communityId, communityId), eq(sessions.status, 'closed')))
		.orderBy(desc(sessions.createdAt));
}

/** The street's consultation session on a case, if one was opened. */
export async function findByEscalation(db: Db, escalationId: string): Promise<Session | null> {
	const [row] = await db.select().from(sessions).where(eq(sessions.escalationId, escalationId));
	return row ?? null;
}
