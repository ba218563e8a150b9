import { asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from './client';
import { projects, sessions, votes } from './schema';

export type Project = typeof projects.$inferSelect;

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
