/** People's words kept beside the chain (`record_texts`) and the marks of hidden ones. */
import { and, eq, ilike, inArray, isNull } from 'drizzle-orm';
import type { Db } from './client';
import { hiddenTexts, recordTexts } from './schema';

export type RecordText = typeof recordTexts.$inferSelect;
export type HiddenText = typeof hiddenTexts.$inferSelect;

export async function insertText(db: Db, row: typeof recordTexts.$inferInsert): Promise<void> {
	await db.insert(recordTexts).values(row);
}

/** Every recorded text of a session. */
export async function textsOfSession(db: Db, sessionId: string): Promise<RecordText[]> {
	return db.select().from(recordTexts).where(eq(recordTexts.sessionId, sessionId));
}

/** The hidden marks among these ids of one kind. */
export async function hiddenAmong(
	db: Db,
	kind: string,
	ids: readonly string[]
): Promise<HiddenText[]> {
	return db
		.select()
		.from(hiddenTexts)
		.where(and(eq(hiddenTexts.kind, kind), inArray(hiddenTexts.id, [...ids])));
}

/** A statement or minutes whose words matched a search. */
export interface FoundText {
	id: string;
	kind: 'statement' | 'minutes';
	sessionId: string;
	seq: number;
	text: string;
}

/** Statements and minutes of these sessions whose text matches `pattern` (ILIKE), hidden ones left out. */
export async function searchVisible(
	db: Db,
	sessionIds: readonly string[],
	pattern: string,
	limit: number
): Promise<FoundText[]> {
	const rows = await db
		.select({
			id: recordTexts.id,
			kind: recordTexts.kind,
			sessionId: recordTexts.sessionId,
			seq: recordTexts.seq,
			text: recordTexts.text
		})
		.from(recordTexts)
		.leftJoin(
			hiddenTexts,
			and(eq(hiddenTexts.id, recordTexts.id), eq(hiddenTexts.kind, recordTexts.kind))
		)
		.where(
			and(
				inArray(recordTexts.sessionId, [...sessionIds]),
				inArray(recordTexts.kind, ['statement', 'minutes']),
				isNull(hiddenTexts.id),
				ilike(recordTexts.text, pattern)
			)
		)
		.limit(limit);
	// The kind filter above holds only these two.
	return rows as FoundText[];
}
