import { and, asc, count, eq, isNull, or } from 'drizzle-orm';
import type { AccountRole } from '$lib/protocol/roles';
import type { Db } from './client';
import { users } from './schema';

export type User = typeof users.$inferSelect;

export async function insert(
	db: Db,
	row: {
		id: string;
		username: string;
		passwordHash: string;
		role: AccountRole;
		communityId?: string | null;
		streetId?: string | null;
	}
): Promise<User> {
	const [user] = await db.insert(users).values(row).returning();
	return user!;
}

/** Inserts unless the username exists; answers null then (unique key decides, no race). */
export async function insertIfFree(
	db: Db,
	row: {
		id: string;
		username: string;
		passwordHash: string;
		role: AccountRole;
		communityId?: string | null;
		streetId?: string | null;
	}
): Promise<User | null> {
	const rows = await db.insert(users).values(row).onConflictDoNothing().returning();
	return rows[0] ?? null;
}

export async function findByUsername(db: Db, username: string): Promise<User | null> {
	const rows = await db.select().from(users).where(eq(users.username, username)).limit(1);
	return rows[0] ?? null;
}

export async function findById(db: Db, id: string): Promise<User | null> {
	const rows = await db.select().from(users).where(eq(users.id, id)).limit(1);
	return rows[0] ?? null;
}

export async function countAdmins(db: Db): Promise<number> {
	const [row] = await db.select({ n: count() }).from(users).where(eq(users.role, 'admin'));
	return row?.n ?? 0;
}

export async function list(db: Db): Promise<Omit<User, 'passwordHash'>[]> {
	return db
		.select({
			id: users.id,
			username: users.username,
			role: users.role,
			communityId: users.communityId,
			streetId: users.streetId,
			createdAt: users.createdAt
		})
		.from(users)
		.orderBy(asc(users.createdAt));
}

/** The officials of a street (`isDefault`: also those with no street set, who work for it). */
export async function streetOfficials(
	db: Db,
	streetId: string,
	isDefault: boolean
): Promise<{ id: string }[]> {
	const ofStreet = isDefault
		? or(eq(users.streetId, streetId), isNull(users.streetId))
		: eq(users.streetId, streetId);
	return db
		.select({ id: users.id })
		.from(users)
		.where(and(eq(users.role, 'street'), ofStreet));
}
