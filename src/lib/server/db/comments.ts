import { and, asc, count, eq, gte, isNotNull, isNull, lt, ne } from 'drizzle-orm';
import type { Db } from './client';
import { comments } from './schema';

export type Comment = typeof comments.$inferSelect;

export async function insert(db: Db, row: typeof comments.$inferInsert): Promise<Comment> {
	const [inserted] = await db.insert(comments).values(row).returning();
	return inserted!;
}

export async function find(db: Db, id: string): Promise<Comment | null> {
	const [row] = await db.select().from(comments).where(eq(comments.id, id)).limit(1);
	return row ?? null;
}

/** An item's comments, oldest first (id breaks ties within one clock tick). */
export async function listForItem(db: Db, itemId: string): Promise<Comment[]> {
	return db
		.select()
		.from(comments)
		.where(eq(comments.itemId, itemId))
		.orderBy(asc(comments.createdAt), asc(comments.id));
}

/** Other people's anchored top-level comments on an item (for "new comments on your passage"). */
export async function anchoredByOthers(
	db: Db,
	itemId: string,
	participantId: string
): Promise<Comment[]> {
	return db
		.select()
		.from(comments)
		.where(
			and(
				eq(comments.itemId, itemId),
				isNull(comments.replyTo),
				isNotNull(comments.anchor),
				ne(comments.participantId, participantId)
			)
		);
}

export async function setResolved(
	db: Db,
	id: string,
	resolved: { at: Date; by: string } | null
): Promise<void> {
	await db
		.update(comments)
		.set({ resolvedAt: resolved?.at ?? null, resolvedBy: resolved?.by ?? null })
		.where(eq(comments.id, id));
}

/** How many comments each item of a session got between `start` (inclusive) and `end`. */
export function countsPerItem(
	db: Db,
	sessionId: string,
	range: { start: Date; end: Date }
): Promise<{ itemId: string; n: number }[]> {
	return db
		.select({ itemId: comments.itemId, n: count() })
		.from(comments)
		.where(
			and(
				eq(comments.sessionId, sessionId),
				gte(comments.createdAt, range.start),
				lt(comments.createdAt, range.end)
			)
		)
		.groupBy(comments.itemId);
}

/** The ids of the comments a participant wrote. */
export async function idsBy(db: Db, participantId: string): Promise<string[]> {
	const rows = await db
		.select({ id: comments.id })
		.from(comments)
		.where(eq(comments.participantId, participantId));
	return rows.map((r) => r.id);
}
