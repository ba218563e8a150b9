import type { Logger } from 'pino';
import * as Y from 'yjs';
import type { Db } from '../db/client';
import * as documents from '../db/documents';

/** The storage calls persistence needs; `db/documents` by default, swappable in tests. */
export interface DocumentStore {
	load: typeof documents.load;
	append: typeof documents.append;
	compact: typeof documents.compact;
}

export interface DocPersistenceOptions {
	db: Db;
	log: Logger;
	/** Longest time an update waits in memory before its batch is written: the crash-loss window. */
	flushMs?: number;
	/** Compact once this many update rows are stored after the snapshot. */
	compactEvery?: number;
	/** Rows per INSERT at most; a burst larger than this is written in several batches. */
	maxBatch?: number;
	store?: DocumentStore;
}

export interface DocPersistenceStats {
	/** Batched INSERTs that committed. */
	writes: number;
	rows: number;
	compactions: number;
	failures: number;
	/** Updates accepted but not yet stored. */
	pending: number;
}

export interface DocPersistence {
	/** The stored state (snapshot + updates + anything still queued) merged, or null if none. */
	load(docName: string): Promise<Uint8Array | null>;
	/** Queues an update; it is written within `flushMs`. Never throws. */
	enqueue(docName: string, update: Uint8Array): void;
	/** Writes what is queued now (one document, or all). Rejects if a write failed; the
	 * updates stay queued and are retried. */
	flush(docName?: string): Promise<void>;
	/** Folds stored updates into a snapshot when `compactEvery` is reached. Never throws. */
	compactIfDue(docName: string, doc: Y.Doc): Promise<void>;
	/** Forgets a document's bookkeeping once it is unloaded and nothing of it is queued. */
	release(docName: string): void;
	stats(): DocPersistenceStats;
	/** Final flush; stops retry timers. */
	close(): Promise<void>;
}

interface DocQueue {
	queue: Uint8Array[];
	timer: ReturnType<typeof setTimeout> | null;
	/** Writes and compactions of one document run one after another on this chain, so a
	 * compaction never folds in a state older than the rows it deletes. */
	chain: Promise<unknown>;
	/** Highest stored id and how many rows sit after the snapshot (known after load or a write). */
	lastId: number;
	sinceSnapshot: number;
	failures: number;
	/** A compaction sits on the chain already; don't pile up one per incoming update. */
	compactPending: boolean;
}

const MAX_RETRY_MS = 5_000;

export function createDocPersistence(options: DocPersistenceOptions): DocPersistence {
	const { db, log } = options;
	const flushMs = options.flushMs ?? 50;
	const compactEvery = options.compactEvery ?? 500;
	const maxBatch = options.maxBatch ?? 1_000;
	const store: DocumentStore = options.store ?? documents;
	const docs = new Map<string, DocQueue>();
	const counters = { writes: 0, rows: 0, compactions: 0, failures: 0 };
	let closed = false;

	const entry = (docName: string): DocQueue => {
		let q = docs.get(docName);
		if (!q) {
			q = {
				queue: [],
				timer: null,
				chain: Promise.resolve(),
				lastId: 0,
				sinceSnapshot: 0,
				failures: 0,
				compactPending: false
			};
			docs.set(docName, q);
		}
		return q;
	};

	const serially = <T>(q: DocQueue, task: () => Promise<T>): Promise<T> => {
		const run = q.chain.then(task, task);
		q.chain = run.catch(() => {});
		return run;
	};

	const schedule = (docName: string, q: DocQueue, delay: number) => {
		if (q.timer || closed) return;
		q.timer = setTimeout(() => {
			q.timer = null;
			// Errors are logged inside; the timer re-arms itself while updates stay queued.
			flushDoc(docName).catch(() => {});
		}, delay);
	};

	/**
	 * Writes the queue in batches; on failure keeps the rest queued and re-arms with backoff.
	 * Call only from inside `serially`.
	 */
	const writeQueue = async (docName: string, q: DocQueue): Promise<void> => {
		while (q.queue.length > 0) {
			const batch = q.queue.slice(0, maxBatch);
			try {
				const lastId = await store.append(db, docName, batch);
				// Only now leave the queue: a failed INSERT keeps every update (none are lost).
				q.queue.splice(0, batch.length);
				q.lastId = Math.max(q.lastId, lastId);
				q.sinceSnapshot += batch.length;
				q.failures = 0;
				counters.writes++;
				counters.rows += batch.length;
			} catch (error) {
				q.failures++;
				counters.failures++;
				const retryMs = Math.min(flushMs * 2 ** q.failures, MAX_RETRY_MS);
				log.error({ err: error, docName, queued: q.queue.length, retryMs }, 'yjs append failed');
				schedule(docName, q, retryMs);
				throw error;
			}
		}
	};

	const flushDoc = (docName: string): Promise<void> => {
		const q = docs.get(docName);
		return q ? serially(q, () => writeQueue(docName, q)) : Promise.resolve();
	};

	const flush = async (docName?: string): Promise<void> => {
		const names = docName === undefined ? [...docs.keys()] : [docName];
		const results = await Promise.allSettled(names.map((name) => flushDoc(name)));
		const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
		if (failed) throw failed.reason;
	};

	const pending = () => {
		let n = 0;
		for (const q of docs.values()) n += q.queue.length;
		return n;
	};

	return {
		flush,

		async load(docName) {
			const q = entry(docName);
			// Anything still queued from an earlier life of the doc is written first (or, if
			// the store is failing, merged from memory below) so a reload never misses it.
			await flushDoc(docName).catch(() => {});
			const stored = await serially(q, () => store.load(db, docName));
			q.lastId = Math.max(q.lastId, stored.lastId);
			q.sinceSnapshot = stored.updates.length;
			const parts = [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates, ...q.queue];
			if (parts.length === 0) return null;
			return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
		},

		enqueue(docName, update) {
			const q = entry(docName);
			q.queue.push(update);
			if (closed) {
				log.warn({ docName }, 'yjs update queued after persistence closed');
				return;
			}
			schedule(docName, q, flushMs);
		},

		async compactIfDue(docName, doc) {
			const q = docs.get(docName);
			// Counting the queue too: the update that reaches the threshold triggers compaction
			// at once, instead of waiting for an edit that may never come after the write.
			if (!q || q.compactPending || q.sinceSnapshot + q.queue.length < compactEvery) return;
			q.compactPending = true;
			await serially(q, async () => {
				q.compactPending = false;
				await writeQueue(docName, q);
				if (q.sinceSnapshot < compactEvery) return;
				// Encoded after every write finished: the state holds all rows <= lastId (they
				// all came from this doc), plus perhaps newer queued ones, which are idempotent.
				const upToId = q.lastId;
				const state = Y.encodeStateAsUpdate(doc);
				const rows = q.sinceSnapshot;
				await store.compact(db, docName, state, upToId);
				q.sinceSnapshot -= rows;
				counters.compactions++;
				log.debug({ docName, upToId, rows, bytes: state.byteLength }, 'yjs doc compacted');
			}).catch((error: unknown) => {
				counters.failures++;
				log.error({ err: error, docName }, 'yjs compaction failed; updates stay stored');
			});
		},

		release(docName) {
			const q = docs.get(docName);
			// A doc with queued updates keeps its entry: its retry timer still needs it.
			if (q && q.queue.length === 0 && !q.timer) docs.delete(docName);
		},

		stats() {
			return { ...counters, pending: pending() };
		},

		async close() {
			closed = true;
			for (const q of docs.values()) {
				if (q.timer) clearTimeout(q.timer);
				q.timer = null;
			}
			try {
				await flush();
			} catch (error) {
				log.error({ err: error, pending: pending() }, 'yjs updates lost at shutdown');
			}
		}
	};
}
