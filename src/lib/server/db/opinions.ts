import { and, asc, desc, eq, gt, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Db } from './client';
import { opinionHands, opinionResponses, opinions } from './schema';

export type Opinion = typeof opinions.$inferSelect;
export type OpinionResponse = typeof opinionResponses.$inferSelect;

export async function insert(db: Db, row: typeof opinions.$inferInsert): Promise<Opinion> {
	const [o] = await db.insert(opinions).values(row).returning();
	return o!;
}

export async function find(db: Db, id: string): Promise<Opinion | null> {
	const rows = await db.select().from(opinions).where(eq(opinions.id, id)).limit(1);
	return rows[0] ?? null;
}

/** Locks the opinion row for the rest of the transaction (hands, project). */
export async function findForUpdate(db: Db, id: string): Promise<Opinion | null> {
	const rows = await db.select().from(opinions).where(eq(opinions.id, id)).limit(1).for('update');
	return rows[0] ?? null;
}

export async function listForCommunity(db: Db, communityId: string, limit = 200) {
	return db
		.select()
		.from(opinions)
		.where(eq(opinions.communityId, communityId))
		.orderBy(desc(opinions.createdAt), desc(opinions.id))
		.limit(limit);
}

export async function handCounts(db: Db, ids: string[]): Promise<Map<string, number>> {
	if (ids.length === 0) return new Map();
	const rows = await db
		.select({ id: opinionHands.opinionId, n: sql<number>`count(*)::int` })
		.from(opinionHands)
		.where(inArray(opinionHands.opinionId, ids))
		.groupBy(opinionHands.opinionId);
	return new Map(rows.map((r) => [r.id, Number(r.n)]));
}

export async function handCount(db: Db, id: string): Promise<number> {
	return (await handCounts(db, [id])).get(id) ?? 0;
}

export async function handsOfMember(db: Db, memberId: string, ids: string[]): Promise<Set<string>> {
	if (ids.length === 0) return new Set();
	const rows = await db
		.select({ id: opinionHands.opinionId })
		.from(opinionHands)
		.where(and(eq(opinionHands.memberId, memberId), inArray(opinionHands.opinionId, ids)));
	return new Set(rows.map((r) => r.id));
}

export async function backers(db: Db, id: string): Promise<string[]> {
	const rows = await db
		.select({ memberId: opinionHands.memberId })
		.from(opinionHands)
		.where(eq(opinionHands.opinionId, id));
	return rows.map((r) => r.memberId);
}

export async function raiseHand(db: Db, opinionId: string, memberId: string, at: Date) {
	await db.insert(opinionHands).values({ opinionId, memberId, at }).onConflictDoNothing();
}

export async function lowerHand(db: Db, opinionId: string, memberId: string) {
	await db
		.delete(opinionHands)
		.where(and(eq(opinionHands.opinionId, opinionId), eq(opinionHands.memberId, memberId)));
}

export async function insertResponse(db: Db, row: typeof opinionResponses.$inferInsert) {
	const [r] = await db.insert(opinionResponses).values(row).returning();
	return r!;
}

export async function responsesFor(db: Db, ids: string[]): Promise<OpinionResponse[]> {
	if (ids.length === 0) return [];
	return db
		.select()
		.from(opinionResponses)
		.where(inArray(opinionResponses.opinionId, ids))
		.orderBy(asc(opinionResponses.at), asc(opinionResponses.id));
}

/** Sets respondedAt on the first answer only. */
export async function markResponded(db: Db, id: string, at: Date) {
	await db
		.update(opinions)
		.set({ respondedAt: at })
		.where(and(eq(opinions.id, id), isNull(opinions.respondedAt)));
}

export async function setProject(db: Db, id: string, projectId: string) {
	await db.update(opinions).set({ projectId }).where(eq(opinions.id, id));
}

export const overdueUrl = (o: { id: string; communityId: string }) =>
	`/c/${o.communityId}#opinion-${o.id}`;

/**
 * Unanswered opinions past their deadline whose staff were not told yet: "told" is the
 * `opinion_overdue` notification itself (its url names the opinion), so each is told once.
 */
export async function overdueUntold(db: Db, now: Date, limit = 100): Promise<Opinion[]> {
	return db
		.select()
		.from(opinions)
		.where(
			and(
				isNull(opinions.respondedAt),
				isNull(opinions.overdueNotifiedAt),
				lte(opinions.deadline, sql`${now.toISOString()}::timestamptz`)
			)
		)
		.orderBy(asc(opinions.deadline))
		.limit(limit);
}

/** Marks an opinion's overdue notice as sent; false when another pass (or an answer) won. */
export async function markOverdueNotified(db: Db, id: string, now: Date): Promise<boolean> {
	const rows = await db
		.update(opinions)
		.set({ overdueNotifiedAt: now })
		.where(
			and(eq(opinions.id, id), isNull(opinions.overdueNotifiedAt), isNull(opinions.respondedAt))
		)
		.returning({ id: opinions.id });
	return rows.length === 1;
}

/** The next deadline still ahead of an unanswered opinion. */
export async function nextDeadline(db: Db, now: Date): Promise<Date | null> {
	const rows = await db
		.select({ at: sql<Date | string | null>`min(${opinions.deadline})` })
		.from(opinions)
		.where(
			and(
				isNull(opinions.respondedAt),
				gt(opinions.deadline, sql`${now.toISOString()}::timestamptz`)
			)
		);
	const at = rows[0]?.at;
	return at ? new Date(at) : null;
}
