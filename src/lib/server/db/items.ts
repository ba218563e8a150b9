/** Agenda items: their order within a session. Reading one item lives in db/outcomes.ts. */
import { and, eq } from 'drizzle-orm';
import type { Db } from './client';
import { items } from './schema';

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
