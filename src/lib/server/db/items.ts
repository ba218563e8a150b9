/** Agenda items: their order within a session. Reading one item lives in db/outcomes.ts. */
import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from './client';
import { items, opinions, sessions } from './schema';

/** Puts a session's items in this order; `itemIds` must name each of them once. */
export async function reorder(db: Db, sessionId: string, itemIds: readonly string[]) {
	// Two passes keep the (session, position) unique key satisfied throughout.
	for (const [i, id] of itemIds.entries()) {
		await db
			.update(items)
			.set({ position: 1000 + i })
			.where(and(eq(items.id, id), eq(items.sessionId, sessionId)));
	}
	for (const [i, id] of itemIds.entries()) {
		await db.update(items).set({ position: i }).where(eq(items.id, id));
	}
}

/**
 * A project's items quote its opinion as their description; once the opinion is hidden those
 * copies are emptied (an item a moderator has rewritten since is theirs and stays). Answers the
 * project, its sessions and the items emptied, or null when the opinion became no project.
 */
export async function blankOpinionQuotes(
	db: Db,
	opinionId: string
): Promise<{ projectId: string; sessionIds: string[]; itemIds: string[] } | null> {
	const [opinion] = await db
		.select({ projectId: opinions.projectId, text: opinions.text })
		.from(opinions)
		.where(eq(opinions.id, opinionId));
	if (!opinion?.projectId) return null;
	const own = await db
		.select({ id: sessions.id })
		.from(sessions)
		.where(eq(sessions.projectId, opinion.projectId))
		.orderBy(sessions.createdAt);
	const sessionIds = own.map((s) => s.id);
	const emptied =
		sessionIds.length === 0
			? []
			: await db
					.update(items)
					.set({ body: '' })
					.where(and(inArray(items.sessionId, sessionIds), eq(items.body, opinion.text)))
					.returning({ id: items.id });
	return { projectId: opinion.projectId, sessionIds, itemIds: emptied.map((i) => i.id) };
}
