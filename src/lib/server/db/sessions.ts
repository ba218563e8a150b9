import { asc, desc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { items, sessions } from './schema';

export type Session = typeof sessions.$inferSelect;
export type Item = typeof items.$inferSelect;
export type SessionWithItems = Session & { items: Item[] };

export async function insert(
	db: Db,
	session: typeof sessions.$inferInsert,
	itemRows: (typeof items.$inferInsert)[]
): Promise<SessionWithItems> {
	const [created] = await db.insert(sessions).values(session).returning();
	const createdItems = itemRows.length ? await db.insert(items).values(itemRows).returning() : [];
	return { ...created!, items: createdItems.sort((a, b) => a.position - b.position) };
}

export async function find(db: Db, id: string): Promise<SessionWithItems | null> {
	const [session] = await db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
	if (!session) return null;
	const rows = await db
		.select()
		.from(items)
		.where(eq(items.sessionId, id))
		.orderBy(asc(items.position));
	return { ...session, items: rows };
}

/** The session row alone, locked for update until the caller's transaction ends. */
export async function lock(db: Db, id: string): Promise<Session | null> {
	const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).for('update');
	return row ?? null;
}

export async function setClosesAt(db: Db, id: string, closesAt: Date): Promise<void> {
	await db.update(sessions).set({ closesAt }).where(eq(sessions.id, id));
}

export async function findItem(db: Db, itemId: string): Promise<Item | null> {
	const [row] = await db.select().from(items).where(eq(items.id, itemId));
	return row ?? null;
}

export async function list(db: Db, limit = 100, communityId?: string): Promise<Session[]> {
	return db
		.select()
		.from(sessions)
		.where(communityId ? eq(sessions.communityId, communityId) : undefined)
		.orderBy(desc(sessions.createdAt))
		.limit(limit);
}

export async function findItemByDocName(
	db: Db,
	docName: string
): Promise<{ item: Item; session: Session } | null> {
	const rows = await db
		.select({ item: items, session: sessions })
		.from(items)
		.innerJoin(sessions, eq(items.sessionId, sessions.id))
		.where(eq(items.docName, docName))
		.limit(1);
	return rows[0] ?? null;
}
