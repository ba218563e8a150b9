/**
 * Hiding and erasing words (services/hiding.ts): the marks in `hidden_texts`, and erasing what
 * a participant wrote in `record_texts` and `comments`.
 */
import { and, eq } from 'drizzle-orm';
import type { Db } from './client';
import { comments, hiddenTexts, participants, recordTexts } from './schema';

/** Hides words with a reason, or gives words already hidden this reason. */
export async function mark(
	db: Db,
	m: { kind: string; id: string; communityId: string; reason: string; hiddenBy: string }
): Promise<void> {
	await db
		.insert(hiddenTexts)
		.values(m)
		.onConflictDoUpdate({
			target: [hiddenTexts.kind, hiddenTexts.id],
			set: { reason: m.reason, hiddenBy: m.hiddenBy }
		});
}

/** The session a statement was made in (null when there is no such statement). */
export async function statementSessionId(db: Db, id: string): Promise<string | null> {
	const [row] = await db
		.select()
		.from(recordTexts)
		.where(and(eq(recordTexts.id, id), eq(recordTexts.kind, 'statement')));
	return row?.sessionId ?? null;
}

/** Which recorded words this participant wrote. */
export function wordsBy(db: Db, participantId: string): Promise<{ kind: string; id: string }[]> {
	return db
		.select({ kind: recordTexts.kind, id: recordTexts.id })
		.from(recordTexts)
		.where(eq(recordTexts.authorId, participantId));
}

/**
 * Empties everything the participant wrote (recorded words and comments) and shows 已删除 for
 * their name, in comments and as a participant.
 */
export async function eraseWordsOf(db: Db, participantId: string): Promise<void> {
	await db.update(recordTexts).set({ text: '' }).where(eq(recordTexts.authorId, participantId));
	await db
		.update(comments)
		.set({ text: '', authorName: '已删除' })
		.where(eq(comments.participantId, participantId));
	await db.update(participants).set({ name: '已删除' }).where(eq(participants.id, participantId));
}
