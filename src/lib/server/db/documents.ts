import { and, asc, count, eq, gt, lte, sql } from 'drizzle-orm';
import type { Db } from './client';
import { docSnapshots, docUpdates } from './schema';

/** What is stored for one Yjs document: the last snapshot plus the updates appended after it. */
export interface StoredDocument {
	snapshot: Uint8Array | null;
	/** Updates with id > snapshot.upToId, oldest first. */
	updates: Uint8Array[];
	/** Highest update id covered by what was returned (0 when nothing is stored). */
	lastId: number;
}

/**
 * postgres.js hands bytea back as a Buffer, PGlite as a Uint8Array. Buffers may be views into a
 * shared pool, so they are copied into a plain Uint8Array that owns its bytes.
 */
export function toBytes(value: Uint8Array): Uint8Array {
	return value.constructor === Uint8Array ? value : new Uint8Array(value);
}

/** Postgres' base64 has a newline every 76 characters; Node's decoder skips them. */
function fromBase64(text: string): Uint8Array {
	const buf = Buffer.from(text, 'base64');
	return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength).slice();
}

/**
 * Reads the updates BEFORE the snapshot, then drops the ones the snapshot already covers.
 * Compaction upserts the snapshot and deletes the rows it covers in one transaction, so in
 * this order no interleaving can lose an update even under READ COMMITTED: if compaction
 * lands between the two reads, the snapshot we read covers every row it deleted.
 */
export async function load(db: Db, docName: string): Promise<StoredDocument> {
	const rows = await db
		.select({ id: docUpdates.id, update: docUpdates.update })
		.from(docUpdates)
		.where(eq(docUpdates.docName, docName))
		.orderBy(asc(docUpdates.id));
	// The snapshot travels as base64 text: PGlite (de)serialises bytea byte by byte in JS, which
	// stalled the event loop for ~1 s on a 1 MB proposal; Node and Postgres do base64 natively.
	const snaps = await db
		.select({
			state: sql<string>`encode(${docSnapshots.state}, 'base64')`,
			upToId: docSnapshots.upToId
		})
		.from(docSnapshots)
		.where(eq(docSnapshots.docName, docName))
		.limit(1);
	const snap = snaps[0] ?? null;
	const upToId = snap?.upToId ?? 0;
	const fresh = rows.filter((r) => r.id > upToId);
	return {
		snapshot: snap ? fromBase64(snap.state) : null,
		updates: fresh.map((r) => toBytes(r.update)),
		lastId: Math.max(upToId, fresh.at(-1)?.id ?? 0)
	};
}

/** Appends updates in ONE multi-row INSERT; answers the highest id written (0 if none). */
export async function append(db: Db, docName: string, updates: Uint8Array[]): Promise<number> {
	if (updates.length === 0) return 0;
	const rows = await db
		.insert(docUpdates)
		.values(updates.map((update) => ({ docName, update })))
		.returning({ id: docUpdates.id });
	return rows.reduce((max, r) => Math.max(max, r.id), 0);
}

/**
 * Folds everything up to `upToId` into a snapshot, in one transaction: upsert the snapshot,
 * delete the rows it covers. A snapshot never moves backwards (a late, older compaction
 * leaves the newer one in place; its rows are gone already).
 */
export async function compact(
	db: Db,
	docName: string,
	state: Uint8Array,
	upToId: number
): Promise<void> {
	const encoded = Buffer.from(state.buffer, state.byteOffset, state.byteLength).toString('base64');
	await db.transaction(async (tx) => {
		await tx
			.insert(docSnapshots)
			.values({ docName, state: sql`decode(${encoded}, 'base64')`, upToId })
			.onConflictDoUpdate({
				target: docSnapshots.docName,
				set: { state: sql`excluded.state`, upToId, updatedAt: sql`now()` },
				setWhere: sql`${docSnapshots.upToId} < ${upToId}`
			});
		await tx
			.delete(docUpdates)
			.where(and(eq(docUpdates.docName, docName), lte(docUpdates.id, upToId)));
	});
}

/** How many update rows of the document have an id greater than `afterId`. */
export async function countSince(db: Db, docName: string, afterId: number): Promise<number> {
	const rows = await db
		.select({ n: count() })
		.from(docUpdates)
		.where(and(eq(docUpdates.docName, docName), gt(docUpdates.id, afterId)));
	return rows[0]?.n ?? 0;
}
