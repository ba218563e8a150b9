/** Follow-ups of projects and decided items: status, updates, public notice and ratings. */
import { and, asc, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from './client';
import {
	communityMembers,
	followUpRatings,
	followUps,
	followUpUpdates,
	items,
	projects
} from './schema';

export type FollowUp = typeof followUps.$inferSelect;
export type SubjectKind = FollowUp['subjectKind'];
export type FollowUpStatus = FollowUp['status'];
export type Update = typeof followUpUpdates.$inferSelect;

export async function find(db: Db, kind: SubjectKind, subjectId: string): Promise<FollowUp | null> {
	const [row] = await db
		.select()
		.from(followUps)
		.where(and(eq(followUps.subjectKind, kind), eq(followUps.subjectId, subjectId)))
		.limit(1);
	return row ?? null;
}

/** The subject's follow-up, made on first use; locked for the caller's transaction. */
export async function ensure(
	db: Db,
	row: { id: string; subjectKind: SubjectKind; subjectId: string; communityId: string }
): Promise<FollowUp> {
	await db.insert(followUps).values(row).onConflictDoNothing();
	const [found] = await db
		.select()
		.from(followUps)
		.where(and(eq(followUps.subjectKind, row.subjectKind), eq(followUps.subjectId, row.subjectId)))
		.for('update');
	return found!;
}

export async function setStatus(db: Db, id: string, status: FollowUpStatus) {
	await db.update(followUps).set({ status }).where(eq(followUps.id, id));
}

export async function setNotice(db: Db, id: string, startsAt: Date, endsAt: Date) {
	await db
		.update(followUps)
		.set({ noticeStartsAt: startsAt, noticeEndsAt: endsAt })
		.where(eq(followUps.id, id));
}

export async function insertUpdate(db: Db, row: typeof followUpUpdates.$inferInsert) {
	await db.insert(followUpUpdates).values(row);
}

export function updatesOf(db: Db, followUpId: string): Promise<Update[]> {
	return db
		.select()
		.from(followUpUpdates)
		.where(eq(followUpUpdates.followUpId, followUpId))
		.orderBy(asc(followUpUpdates.at), asc(followUpUpdates.id));
}

/** Inserts a rating; false when this member already rated (the primary key kept the first). */
export async function insertRating(
	db: Db,
	row: typeof followUpRatings.$inferInsert
): Promise<boolean> {
	const rows = await db
		.insert(followUpRatings)
		.values(row)
		.onConflictDoNothing()
		.returning({ memberId: followUpRatings.memberId });
	return rows.length === 1;
}

export function ratingsOf(db: Db, followUpId: string) {
	return db
		.select({
			memberId: followUpRatings.memberId,
			stars: followUpRatings.stars,
			comment: followUpRatings.comment,
			at: followUpRatings.at,
			author: communityMembers.name
		})
		.from(followUpRatings)
		.innerJoin(communityMembers, eq(communityMembers.id, followUpRatings.memberId))
		.where(eq(followUpRatings.followUpId, followUpId))
		.orderBy(asc(followUpRatings.at));
}

/** A community's public notices, newest first, with the title of what each follows. */
export function noticesOf(db: Db, communityId: string, limit = 20) {
	return db
		.select({
			subjectKind: followUps.subjectKind,
			subjectId: followUps.subjectId,
			title: sql<string>`coalesce(${projects.title}, ${items.title}, '')`,
			startsAt: followUps.noticeStartsAt,
			endsAt: followUps.noticeEndsAt
		})
		.from(followUps)
		.leftJoin(
			projects,
			and(eq(followUps.subjectKind, 'project'), eq(projects.id, followUps.subjectId))
		)
		.leftJoin(items, and(eq(followUps.subjectKind, 'item'), eq(items.id, followUps.subjectId)))
		.where(and(eq(followUps.communityId, communityId), isNotNull(followUps.noticeEndsAt)))
		.orderBy(desc(followUps.noticeEndsAt))
		.limit(limit);
}
