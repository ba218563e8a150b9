import { and, asc, eq, isNotNull, isNull, ne } from 'drizzle-orm';
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
