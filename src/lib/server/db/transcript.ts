import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import { chain, GENESIS, type Entry, type EntryBody, type Json } from '../domain/transcript';
import type { Db } from './client';
import { transcriptEntries, transcriptHeads } from './schema';

/**
 * Appends one entry to a session's chain, inside the caller's transaction (rule 7: the entry
 * commits or rolls back with the change it records). The head row is locked for the append,
 * so concurrent appends to one session take turns and seqs have no gaps.
 */
export async function append(
	db: Db,
	sessionId: string,
	body: Omit<EntryBody, 'seq'>
): Promise<Entry> {
	const lockHead = () =>
		db.select().from(transcriptHeads).where(eq(transcriptHeads.sessionId, sessionId)).for('update');
	let [head] = await lockHead();
	if (!head) {
		// The session's first entry: create its head (a racing first entry may have made it;
		// then the lock below waits for that one's commit), then lock it like any later one.
		await db
			.insert(transcriptHeads)
			.values({ sessionId, seq: 0, hash: GENESIS })
			.onConflictDoNothing();
		[head] = await lockHead();
	}
	const first = !head || head.seq === 0;
	// Entry 1 names its session, so one session's valid chain cannot pass as another's.
	const bound =
		first && body.data && typeof body.data === 'object' && !Array.isArray(body.data)
			? { ...body, data: { ...body.data, sessionId } }
			: body;
	const entry = chain(first ? null : head!, bound);
	await db.insert(transcriptEntries).values({
		sessionId,
		seq: entry.seq,
		at: entry.at,
		type: entry.type,
		actor: entry.actor,
		data: entry.data,
		prevHash: entry.prevHash,
		hash: entry.hash
	});
	await db
		.update(transcriptHeads)
		.set({ seq: entry.seq, hash: entry.hash })
		.where(eq(transcriptHeads.sessionId, sessionId));
	return entry;
}

/** The session's entries in order; with `after`, only those whose seq is greater. */
export async function list(db: Db, sessionId: string, after = 0): Promise<Entry[]> {
	const rows = await db
		.select()
		.from(transcriptEntries)
		.where(
			after > 0
				? and(eq(transcriptEntries.sessionId, sessionId), gt(transcriptEntries.seq, after))
				: eq(transcriptEntries.sessionId, sessionId)
		)
		.orderBy(asc(transcriptEntries.seq));
	return rows.map((r) => ({
		seq: r.seq,
		at: r.at,
		type: r.type,
		actor: r.actor as Json,
		data: r.data as Json,
		prevHash: r.prevHash,
		hash: r.hash
	}));
}

export async function head(db: Db, sessionId: string): Promise<{ seq: number; hash: string }> {
	const [row] = await db
		.select()
		.from(transcriptHeads)
		.where(eq(transcriptHeads.sessionId, sessionId));
	return row ? { seq: row.seq, hash: row.hash } : { seq: 0, hash: GENESIS };
}

/** When the session's entry of this type was appended (null when it has none). */
export async function atOf(db: Db, sessionId: string, type: string): Promise<string | null> {
	const [entry] = await db
		.select({ at: transcriptEntries.at })
		.from(transcriptEntries)
		.where(and(eq(transcriptEntries.sessionId, sessionId), eq(transcriptEntries.type, type)));
	return entry?.at ?? null;
}

/** The `stateHash` of the item's last proposal checkpoint (null when it has none). */
export async function lastCheckpointHash(
	db: Db,
	sessionId: string,
	itemId: string
): Promise<string | null> {
	const rows = await db
		.select({ hash: sql<string | null>`${transcriptEntries.data}->>'stateHash'` })
		.from(transcriptEntries)
		.where(
			and(
				eq(transcriptEntries.sessionId, sessionId),
				eq(transcriptEntries.type, 'proposal_checkpoint'),
				sql`${transcriptEntries.data}->>'itemId' = ${itemId}`
			)
		)
		.orderBy(desc(transcriptEntries.seq))
		.limit(1);
	return rows[0]?.hash ?? null;
}

/** Serialises checkpoint writers of one document (any node) until the transaction ends. */
export async function lockCheckpoints(db: Db, docName: string): Promise<void> {
	await db.execute(
		sql`select pg_advisory_xact_lock(hashtextextended(${`yishi:checkpoint:${docName}`}, 0))`
	);
}
