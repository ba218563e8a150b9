import { eq, lt } from 'drizzle-orm';
import type { Db } from './client';
import { authSessions, users } from './schema';

export type AuthSessionRow = typeof authSessions.$inferSelect;
export type UserRow = typeof users.$inferSelect;

export async function insert(db: Db, row: { id: string; userId: string | null; expiresAt: Date }) {
	await db.insert(authSessions).values(row);
}

export async function findWithUser(
	db: Db,
	id: string
): Promise<{ session: AuthSessionRow; user: UserRow | null } | null> {
	const rows = await db
		.select({ session: authSessions, user: users })
		.from(authSessions)
		.leftJoin(users, eq(authSessions.userId, users.id))
		.where(eq(authSessions.id, id))
		.limit(1);
	return rows[0] ?? null;
}

export async function extend(db: Db, id: string, expiresAt: Date) {
	await db.update(authSessions).set({ expiresAt }).where(eq(authSessions.id, id));
}

export async function remove(db: Db, id: string) {
	await db.delete(authSessions).where(eq(authSessions.id, id));
}

export async function removeExpired(db: Db, now: Date) {
	await db.delete(authSessions).where(lt(authSessions.expiresAt, now));
}
