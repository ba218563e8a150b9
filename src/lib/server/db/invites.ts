import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from './client';
import { invites } from './schema';

export type Invite = typeof invites.$inferSelect;

export async function insert(db: Db, row: typeof invites.$inferInsert): Promise<Invite> {
	const [invite] = await db.insert(invites).values(row).returning();
	return invite!;
}

export async function findByToken(db: Db, token: string): Promise<Invite | null> {
	const rows = await db.select().from(invites).where(eq(invites.token, token)).limit(1);
	return rows[0] ?? null;
}

export async function findById(db: Db, id: string): Promise<Invite | null> {
	const rows = await db.select().from(invites).where(eq(invites.id, id)).limit(1);
	return rows[0] ?? null;
}

export async function listForSession(db: Db, sessionId: string): Promise<Invite[]> {
	return db
		.select()
		.from(invites)
		.where(eq(invites.sessionId, sessionId))
		.orderBy(desc(invites.createdAt));
}

/**
 * Takes one use of a live invite, atomically: the row is updated only while it is unrevoked,
 * unexpired and under its limit, so two phones racing for the last use cannot both win.
 */
export async function takeUse(db: Db, id: string, now: Date): Promise<boolean> {
	const rows = await db
		.update(invites)
		.set({ uses: sql`${invites.uses} + 1` })
		.where(
			and(
				eq(invites.id, id),
				isNull(invites.revokedAt),
				or(
					isNull(invites.expiresAt),
					lt(sql`${now.toISOString()}::timestamptz`, invites.expiresAt)
				),
				or(isNull(invites.maxUses), lt(invites.uses, invites.maxUses))
			)
		)
		.returning({ id: invites.id });
	return rows.length === 1;
}

export async function revoke(db: Db, id: string, now: Date): Promise<void> {
	await db
		.update(invites)
		.set({ revokedAt: now })
		.where(and(eq(invites.id, id), isNull(invites.revokedAt)));
}
