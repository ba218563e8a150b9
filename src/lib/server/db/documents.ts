import { and, asc, count, eq, gt, inArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as Y from 'yjs';
import type { Db } from './client';
import * as schema from './schema';
import { docSnapshots, docUpdates } from './schema';

/** What is stored for one Yjs document: the last snapshot plus the update rows still stored. */
export interface StoredDocument {
	snapshot: Uint8Array | null;
	/**
	 * Every update row still stored, oldest first — including the rare row whose id is below the
	 * snapshot's `upToId` because its INSERT committed after a compaction read the rows (ids are
	 * handed out before commit): no compaction folded it, so it must be loaded.
	 */
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

function toBase64(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

// The snapshot travels as base64 text: PGlite (de)serialises bytea byte by byte in JS, which
// stalled the event loop for ~1 s on a 1 MB proposal; Node and Postgres do base64 natively.
const snapshotColumns = {
	state: sql<string>`encode(${docSnapshots.state}, 'base64')`,
	upToId: docSnapshots.upToId,
	version: sql<string>`${docSnapshots.updatedAt}::text`
};

function readRows(db: Db, docName: string) {
	return db
		.select({ id: docUpdates.id, update: docUpdates.update })
		.from(docUpdates)
		.where(eq(docUpdates.docName, docName))
		.orderBy(asc(docUpdates.id));
}

/**
 * Reads the rows BEFORE the snapshot. Compaction upserts the snapshot and deletes exactly the
 * rows it folded in one transaction, so in this order no interleaving can lose an update even
 * under READ COMMITTED: if a compaction lands between the two reads, the snapshot read covers
 * every row it deleted (the rows read twice are harmless: Yjs updates are idempotent).
 */
export async function load(db: Db, docName: string): Promise<StoredDocument> {
	const rows = await readRows(db, docName);
	const snaps = await db
		.select(snapshotColumns)
		.from(docSnapshots)
		.where(eq(docSnapshots.docName, docName))
		.limit(1);
	const snap = snaps[0] ?? null;
	return {
		snapshot: snap ? fromBase64(snap.state) : null,
		updates: rows.map((r) => toBytes(r.update)),
		lastId: Math.max(snap?.upToId ?? 0, rows.at(-1)?.id ?? 0)
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

export interface Compaction {
	/** Update rows folded into the snapshot and deleted. */
	rows: number;
	upToId: number;
	bytes: number;
}

/** Serialises compactions of one document across every process on the database. */
const lockDocument = (db: Db, docName: string) =>
	db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`yishi:doc:${docName}`}, 0))`);

/** Parameters per `IN (...)` list; Postgres allows 65 535 per statement. */
const DELETE_CHUNK = 10_000;

/**
 * Folds what is STORED — the snapshot and the update rows read — into a new snapshot and
 * deletes exactly the rows it read, never a row it did not fold. Built from the store, not from
 * any process' live copy: another node's edits are rows here like ours, so they are kept.
 *
 * The fold (CPU) runs outside any transaction, so PGlite's one connection is not held while it
 * runs; the write then takes a per-document advisory lock and goes ahead only if the snapshot is
 * still the one the fold started from (every compaction stamps `updated_at` with
 * `clock_timestamp()` under that lock). Answers null when fewer than `minRows` rows are stored
 * or when another compaction won the race (its snapshot holds everything; nothing is lost).
 */
export async function compact(
	db: Db,
	docName: string,
	{ minRows = 1 }: { minRows?: number } = {}
): Promise<Compaction | null> {
	const before = await db
		.select(snapshotColumns)
		.from(docSnapshots)
		.where(eq(docSnapshots.docName, docName))
		.limit(1);
	const rows = await readRows(db, docName);
	if (rows.length === 0 || rows.length < minRows) return null;
	const base = before[0] ?? null;

	const doc = new Y.Doc();
	Y.transact(doc, () => {
		if (base) Y.applyUpdate(doc, fromBase64(base.state));
		for (const r of rows) Y.applyUpdate(doc, toBytes(r.update));
	});
	const state = Y.encodeStateAsUpdate(doc);
	doc.destroy();
	const ids = rows.map((r) => r.id);
	const upToId = Math.max(base?.upToId ?? 0, ids.at(-1) ?? 0);

	return db.transaction(async (tx) => {
		await lockDocument(tx, docName);
		const now = await tx
			.select({ version: snapshotColumns.version })
			.from(docSnapshots)
			.where(eq(docSnapshots.docName, docName))
			.limit(1);
		if ((now[0]?.version ?? null) !== (base?.version ?? null)) return null;
		await tx
			.insert(docSnapshots)
			.values({
				docName,
				state: sql`decode(${toBase64(state)}, 'base64')`,
				upToId,
				updatedAt: sql`clock_timestamp()`
			})
			.onConflictDoUpdate({
				target: docSnapshots.docName,
				set: {
					state: sql`excluded.state`,
					upToId: sql`greatest(${docSnapshots.upToId}, excluded.up_to_id)`,
					updatedAt: sql`excluded.updated_at`
				}
			});
		for (let i = 0; i < ids.length; i += DELETE_CHUNK) {
			await tx
				.delete(docUpdates)
				.where(
					and(
						eq(docUpdates.docName, docName),
						inArray(docUpdates.id, ids.slice(i, i + DELETE_CHUNK))
					)
				);
		}
		return { rows: ids.length, upToId, bytes: state.byteLength };
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

/**
 * A Postgres connection of its own for appending proposal edits: on the shared pool a batch
 * queued behind other work (a crowd joining: ~100 statements each) for hundreds of ms, and what
 * waits in memory is what a `kill -9` loses. One connection: appends are one INSERT each.
 */
export function connectWriter(databaseUrl: string): { db: Db; close(): Promise<void> } {
	const client = postgres(databaseUrl, {
		max: 1,
		onnotice: () => {},
		connection: { application_name: 'yishi-documents' }
	});
	return {
		db: drizzle(client, { schema }) as unknown as Db,
		close: () => client.end({ timeout: 5 })
	};
}
