import { and, asc, eq, ne } from 'drizzle-orm';
import type { Db } from './client';
import { participants } from './schema';

export type Participant = typeof participants.$inferSelect;

export async function insert(db: Db, row: typeof participants.$inferInsert): Promise<Participant> {
	const [participant] = await db.insert(participants).values(row).returning();
	return participant!;
}

export async function findById(db: Db, id: string): Promise<Participant | null> {
	const rows = await db.select().from(participants).where(eq(participants.id, id)).limit(1);
	return rows[0] ?? null;
}

/** The participant with this id, if they belong to this session. */
export async function findInSession(
	db: Db,
	sessionId: string,
	id: string
): Promise<Participant | null> {
	const [row] = await db
		.select()
		.from(participants)
		.where(and(eq(participants.id, id), eq(participants.sessionId, sessionId)));
	return row ?? null;
}

export async function findByDevice(
	db: Db,
	sessionId: string,
	authSessionId: string
): Promise<Participant | null> {
	const rows = await db
		.select()
		.from(participants)
		.where(
			and(eq(participants.sessionId, sessionId), eq(participants.authSessionId, authSessionId))
		)
		.limit(1);
	return rows[0] ?? null;
}

export async function findByUser(
	db: Db,
	sessionId: string,
	userId: string
): Promise<Participant | null> {
	const rows = await db
		.select()
		.from(participants)
		.where(and(eq(participants.sessionId, sessionId), eq(participants.userId, userId)))
		.limit(1);
	return rows[0] ?? null;
}

export async function listForSession(db: Db, sessionId: string): Promise<Participant[]> {
	return db
		.select()
		.from(participants)
		.where(eq(participants.sessionId, sessionId))
		.orderBy(asc(participants.createdAt));
}

/** Participants whose device is signed in with this auth session (all their rooms). */
export async function listForAuthSession(db: Db, authSessionId: string): Promise<Participant[]> {
	return db.select().from(participants).where(eq(participants.authSessionId, authSessionId));
}

/** Invited people still in the room who joined with this link (staff never join by link). */
export async function joinedWith(db: Db, inviteId: string): Promise<Participant[]> {
	return db
		.select()
		.from(participants)
		.where(and(eq(participants.inviteId, inviteId), ne(participants.status, 'removed')));
}

export async function setStatus(db: Db, id: string, status: Participant['status']): Promise<void> {
	await db.update(participants).set({ status }).where(eq(participants.id, id));
}
