import { and, eq, lt } from 'drizzle-orm';
import type { Db } from './client';
import { loginDevices } from './schema';

/** The account a device token (its SHA-256) signed in to, if it did. */
export async function ownerOf(db: Db, id: string): Promise<string | null> {
	const [row] = await db
		.select({ userId: loginDevices.userId })
		.from(loginDevices)
		.where(eq(loginDevices.id, id))
		.limit(1);
	return row?.userId ?? null;
}

/** Remembers (or refreshes) a device after a successful sign-in. */
export async function remember(db: Db, id: string, userId: string, now: Date): Promise<void> {
	await db
		.insert(loginDevices)
		.values({ id, userId, lastUsedAt: now })
		.onConflictDoUpdate({ target: loginDevices.id, set: { userId, lastUsedAt: now } });
}

/** Forgets devices of an account unused since `before`. */
export async function forgetUnused(db: Db, userId: string, before: Date): Promise<void> {
	await db
		.delete(loginDevices)
		.where(and(eq(loginDevices.userId, userId), lt(loginDevices.lastUsedAt, before)));
}
