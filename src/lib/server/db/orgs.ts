import { asc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { communities, streets } from './schema';

export type Street = typeof streets.$inferSelect;
export type Community = typeof communities.$inferSelect;

export const DEFAULT_STREET_ID = 'default-street';
export const DEFAULT_COMMUNITY_ID = 'default-community';

/** The default street and community exist after setup; both can be renamed. */
export async function ensureDefaults(db: Db, names: { street: string; community: string }) {
	await db
		.insert(streets)
		.values({ id: DEFAULT_STREET_ID, name: names.street })
		.onConflictDoNothing();
	await db
		.insert(communities)
		.values({ id: DEFAULT_COMMUNITY_ID, streetId: DEFAULT_STREET_ID, name: names.community })
		.onConflictDoNothing();
}

export async function listStreets(db: Db): Promise<Street[]> {
	return db.select().from(streets).orderBy(asc(streets.createdAt));
}

export async function listCommunities(db: Db): Promise<Community[]> {
	return db.select().from(communities).orderBy(asc(communities.createdAt));
}

export async function findCommunity(db: Db, id: string): Promise<Community | null> {
	const rows = await db.select().from(communities).where(eq(communities.id, id)).limit(1);
	return rows[0] ?? null;
}

export async function renameStreet(db: Db, id: string, name: string): Promise<boolean> {
	const rows = await db.update(streets).set({ name }).where(eq(streets.id, id)).returning();
	return rows.length === 1;
}

export async function renameCommunity(db: Db, id: string, name: string): Promise<boolean> {
	const rows = await db.update(communities).set({ name }).where(eq(communities.id, id)).returning();
	return rows.length === 1;
}
