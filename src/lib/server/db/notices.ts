import { desc, eq } from 'drizzle-orm';
import type { Db } from './client';
import { voteNotices } from './schema';

export type Notice = typeof voteNotices.$inferSelect;

export async function insert(db: Db, row: typeof voteNotices.$inferInsert): Promise<Notice> {
	const [notice] = await db.insert(voteNotices).values(row).returning();
	return notice!;
}

export async function findById(db: Db, id: string): Promise<Notice | null> {
	const rows = await db.select().from(voteNotices).where(eq(voteNotices.id, id)).limit(1);
	return rows[0] ?? null;
}

/** The latest notice of a vote (a corrected notice starts the period again). */
export async function latestForVote(db: Db, voteId: string): Promise<Notice | null> {
	const rows = await db
		.select()
		.from(voteNotices)
		.where(eq(voteNotices.voteId, voteId))
		.orderBy(desc(voteNotices.publishedAt))
		.limit(1);
	return rows[0] ?? null;
}

export async function listForCommunity(db: Db, communityId: string): Promise<Notice[]> {
	return db
		.select()
		.from(voteNotices)
		.where(eq(voteNotices.communityId, communityId))
		.orderBy(desc(voteNotices.publishedAt));
}
