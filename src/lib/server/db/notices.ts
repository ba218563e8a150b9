import { and, desc, eq, isNull } from 'drizzle-orm';
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

/** The latest notice of a whole session (published for the meeting, not for one vote). */
export async function latestForSession(db: Db, sessionId: string): Promise<Notice | null> {
	const rows = await db
		.select()
		.from(voteNotices)
		.where(and(eq(voteNotices.sessionId, sessionId), isNull(voteNotices.voteId)))
		.orderBy(desc(voteNotices.publishedAt))
		.limit(1);
	return rows[0] ?? null;
}

/**
 * The notice a vote follows: its own latest notice, or — when it has none — the latest notice of
 * its session (a meeting announced as a whole announces every vote on its agenda). A vote's own
 * notice wins even when older: it is what owners were told about that matter.
 */
export async function thatApplies(
	db: Db,
	vote: { id: string; sessionId: string }
): Promise<Notice | null> {
	return (await latestForVote(db, vote.id)) ?? (await latestForSession(db, vote.sessionId));
}

export async function listForCommunity(db: Db, communityId: string): Promise<Notice[]> {
	return db
		.select()
		.from(voteNotices)
		.where(eq(voteNotices.communityId, communityId))
		.orderBy(desc(voteNotices.publishedAt));
}
