/** What the live layer reads of a session row without loading the session and its items. */
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { sessions } from './schema';

export type SessionStatus = (typeof sessions.$inferSelect)['status'];

/** The session's status, or null when there is no such session. */
export async function statusOf(db: Db, sessionId: string): Promise<SessionStatus | null> {
	const [row] = await db
		.select({ status: sessions.status })
		.from(sessions)
		.where(eq(sessions.id, sessionId));
	return row?.status ?? null;
}
