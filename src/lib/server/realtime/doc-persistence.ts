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
	/**
	 * Where appends go; default `db`. On Postgres a connection of their own, so a batch of edits
	 * never queues behind other work on the shared pool (a crowd joining): the crash-loss window
	 * is `flushMs` plus one INSERT, whatever else the node is doing.
	 */
	writeDb?: Db;
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
	/** Longest time an update waited from `enqueue` to its committed INSERT: the crash-loss
	 * window actually seen (the target is `flushMs` plus one INSERT). */
	maxStoreLagMs: number;
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
	/**
	 * Folds the STORED updates (every writer's) into a snapshot once this process has written
	 * `compactEvery` rows since it last loaded or compacted the document. Never throws.
	 */
	compactIfDue(docName: string): Promise<void>;
	/** Forgets a document's bookkeeping once it is unloaded and nothing of it is queued. */
	release(docName: string): void;
	stats(): DocPersistenceStats;
	/** Final flush; stops retry timers. */
	close(): Promise<void>;
}

interface DocQueue {
	queue: Uint8Array[];
	/** When the oldest queued update arrived (ms, performance.now()). */
	oldestAt: number;
	timer: ReturnType<typeof setTimeout> | null;
	/** Writes and loads of one document run one after another on this chain, so a load sees
	 * every update written before it. Compaction is not on it: it reads the store, so edits
	 * keep being written while it folds. */
	chain: Promise<unknown>;
	/** Rows this process wrote (or found) since it last loaded or compacted the document. */
	sinceSnapshot: number;
	failures: number;
	/** A compaction of this document is running; don't start one per incoming update. */
	compacting: boolean;
}

const MAX_RETRY_MS = 5_000;

export function createDocPersistence(options: DocPersistenceOptions): DocPersistence {
	const { db, log } = options;
	const writeDb = options.writeDb ?? db;
	const flushMs = options.flushMs ?? 50;
	const compactEvery = options.compactEvery ?? 500;
	const maxBatch = options.maxBatch ?? 1_000;
	const store: DocumentStore = options.store ?? documents;
	const docs = new Map<string, DocQueue>();
	const counters = { writes: 0, rows: 0, compactions: 0, failures: 0, maxStoreLagMs: 0 };
	let closed = false;

	const entry = (docName: string): DocQueue => {
		let q = docs.get(docName);
		if (!q) {
			q = {
				queue: [],
				oldestAt: 0,
				timer: null,
				chain: Promise.resolve(),
				sinceSnapshot: 0,
				failures: 0,
				compacting: false
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
				await store.append(writeDb, docName, batch);
				// Only now leave the queue: a failed INSERT keeps every update (none are lost).
				q.queue.splice(0, batch.length);
				q.sinceSnapshot += batch.length;
				q.failures = 0;
				counters.writes++;
				counters.rows += batch.length;
				const lagMs = performance.now() - q.oldestAt;
				counters.maxStoreLagMs = Math.max(counters.maxStoreLagMs, Math.round(lagMs));
				// Visible in the log: a node whose edits wait far beyond the window is overloaded.
				if (lagMs > 4 * flushMs)
					log.warn(
						{ docName, lagMs: Math.round(lagMs), rows: batch.length },
						'yjs batch stored late'
					);
				q.oldestAt = performance.now();
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

	const compactIfDue = async (docName: string): Promise<void> => {
		const q = docs.get(docName);
		// Counting the queue too: the update that reaches the threshold triggers compaction
		// at once, instead of waiting for an edit that may never come after the write.
		if (!q || q.compacting || q.sinceSnapshot + q.queue.length < compactEvery) return;
		q.compacting = true;
		let again = false;
		try {
			// Our own rows first, so the fold includes what this process has accepted.
			await flushDoc(docName);
			const result = await store.compact(db, docName);
			// Null: nothing stored, or another process compacted just now (its snapshot holds
			// our rows; they are deleted). Either way nothing is waiting to be folded here.
			q.sinceSnapshot = result ? Math.max(0, q.sinceSnapshot - result.rows) : 0;
			if (result) {
				counters.compactions++;
				log.debug({ docName, ...result }, 'yjs doc compacted');
				// Edits written while it folded may have reached the threshold again.
				again = true;
			}
		} catch (error) {
			counters.failures++;
			log.error({ err: error, docName }, 'yjs compaction failed; updates stay stored');
		} finally {
			q.compacting = false;
		}
		if (again) await compactIfDue(docName);
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
			q.sinceSnapshot = stored.updates.length;
			const parts = [...(stored.snapshot ? [stored.snapshot] : []), ...stored.updates, ...q.queue];
			if (parts.length === 0) return null;
			return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
		},

		enqueue(docName, update) {
			const q = entry(docName);
			if (q.queue.length === 0) q.oldestAt = performance.now();
			q.queue.push(update);
			if (closed) {
				log.warn({ docName }, 'yjs update queued after persistence closed');
				return;
			}
			schedule(docName, q, flushMs);
		},

		compactIfDue,

		release(docName) {
			const q = docs.get(docName);
			// A doc with queued updates keeps its entry: its retry timer still needs it.
			if (q && q.queue.length === 0 && !q.timer && !q.compacting) docs.delete(docName);
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
