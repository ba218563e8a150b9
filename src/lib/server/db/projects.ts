import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import {
	communityMembers,
	projectMilestones,
	projectRatings,
	projects,
	sessions,
	votes
} from './schema';

export type Project = typeof projects.$inferSelect;
export type Milestone = typeof projectMilestones.$inferSelect;

export async function insert(db: Db, row: typeof projects.$inferInsert): Promise<Project> {
	const [p] = await db.insert(projects).values(row).returning();
	return p!;
}

export async function find(db: Db, id: string): Promise<Project | null> {
	const rows = await db.select().from(projects).where(eq(projects.id, id)).limit(1);
	return rows[0] ?? null;
}

export async function listForCommunity(db: Db, communityId: string): Promise<Project[]> {
	return db
		.select()
		.from(projects)
		.where(eq(projects.communityId, communityId))
		.orderBy(sql`${projects.createdAt} desc`);
}

export async function setNotice(db: Db, id: string, startsAt: Date, endsAt: Date) {
	await db
		.update(projects)
		.set({ noticeStartsAt: startsAt, noticeEndsAt: endsAt })
		.where(eq(projects.id, id));
}

export async function insertMilestone(db: Db, row: typeof projectMilestones.$inferInsert) {
	const [m] = await db.insert(projectMilestones).values(row).returning();
	return m!;
}

export async function milestones(db: Db, projectId: string): Promise<Milestone[]> {
	return db
		.select()
		.from(projectMilestones)
		.where(eq(projectMilestones.projectId, projectId))
		.orderBy(asc(projectMilestones.at), asc(projectMilestones.id));
}

/** Inserts a rating; false when this member already rated (the primary key kept the first). */
export async function insertRating(
	db: Db,
	row: typeof projectRatings.$inferInsert
): Promise<boolean> {
	const rows = await db
		.insert(projectRatings)
		.values(row)
		.onConflictDoNothing()
		.returning({ memberId: projectRatings.memberId });
	return rows.length === 1;
}

export async function ratings(db: Db, projectId: string) {
	return db
		.select({
			memberId: projectRatings.memberId,
			stars: projectRatings.stars,
			comment: projectRatings.comment,
			at: projectRatings.at,
			author: communityMembers.name
		})
		.from(projectRatings)
		.innerJoin(communityMembers, eq(communityMembers.id, projectRatings.memberId))
		.where(eq(projectRatings.projectId, projectId))
		.orderBy(asc(projectRatings.at));
}

export async function sessionsOf(db: Db, projectId: string) {
	return db
		.select()
		.from(sessions)
		.where(eq(sessions.projectId, projectId))
		.orderBy(asc(sessions.createdAt));
}

export async function votesOf(db: Db, sessionIds: string[]) {
	if (sessionIds.length === 0) return [];
	return db.select().from(votes).where(inArray(votes.sessionId, sessionIds));
}
