import { asc, desc, eq, gt, sql } from 'drizzle-orm';
import { nextLogEntry, type LogEntry, type SignedHead } from '../domain/signed-heads';
import type { Db } from './client';
import { signedHeads, signedHeadsTip, transcriptHeads } from './schema';

const TIP = 1;

/** The newest signed head of a session, or null. */
export async function latest(db: Db, sessionId: string): Promise<LogEntry | null> {
	const [row] = await db
		.select()
		.from(signedHeads)
		.where(eq(signedHeads.sessionId, sessionId))
		.orderBy(desc(signedHeads.n))
		.limit(1);
	return row ?? null;
}

/**
 * Appends a signed head to the log, in the caller's transaction. The tip row is locked for the
 * append (as a transcript's head row is), so `n` has no gaps and `prevHash` never forks.
 */
export async function append(db: Db, head: SignedHead): Promise<LogEntry> {
	await db
		.insert(signedHeadsTip)
		.values({ id: TIP, n: 0, hash: '0'.repeat(64) })
		.onConflictDoNothing();
	const [tip] = await db
		.select()
		.from(signedHeadsTip)
		.where(eq(signedHeadsTip.id, TIP))
		.for('update');
	const entry = nextLogEntry(tip && tip.n > 0 ? tip : null, head);
	await db.insert(signedHeads).values(entry);
	await db
		.update(signedHeadsTip)
		.set({ n: entry.n, hash: entry.hash })
		.where(eq(signedHeadsTip.id, TIP));
	return entry;
}

export async function after(db: Db, n: number, limit: number): Promise<LogEntry[]> {
	return db
		.select()
		.from(signedHeads)
		.where(gt(signedHeads.n, n))
		.orderBy(asc(signedHeads.n))
		.limit(limit);
}

/** Sessions whose transcript grew past their newest signed head (and have entries at all). */
export async function unsigned(db: Db, limit = 500): Promise<string[]> {
	const signed = db
		.select({
			sessionId: signedHeads.sessionId,
			seq: sql<number>`max(${signedHeads.seq})`.as('signed_seq')
		})
		.from(signedHeads)
		.groupBy(signedHeads.sessionId)
		.as('signed');
	const rows = await db
		.select({ sessionId: transcriptHeads.sessionId })
		.from(transcriptHeads)
		.leftJoin(signed, eq(signed.sessionId, transcriptHeads.sessionId))
		.where(sql`${transcriptHeads.seq} > coalesce(${signed.seq}, 0)`)
		.limit(limit);
	return rows.map((r) => r.sessionId);
}
