import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { Db } from '../db/client';
import * as documents from '../db/documents';
import { storeFactories, type OpenedStore } from '../db/test-stores';
import { createDocPersistence, type DocumentStore } from './doc-persistence';

// Opening PGlite and migrating takes seconds, many more on a shared, busy machine.
vi.setConfig({ hookTimeout: 60_000, testTimeout: 30_000 });

/** A pino logger whose lines the test can read. */
function capturedLog() {
	const lines: Array<{ msg: string; level: number }> = [];
	const stream = new Writable({
		write(chunk: Buffer, _enc, done) {
			lines.push(JSON.parse(chunk.toString()));
			done();
		}
	});
	return { log: pino({ level: 'debug' }, stream), lines };
}

/** The real store, with every call counted and appends failing while `failAppends` > 0. */
function countingStore() {
	const calls = { load: 0, append: 0, compact: 0, failAppends: 0 };
	const store: DocumentStore = {
		load: (db, name) => (calls.load++, documents.load(db, name)),
		append: async (db, name, updates) => {
			calls.append++;
			if (calls.failAppends > 0) {
				calls.failAppends--;
				throw new Error('injected write failure');
			}
			return documents.append(db, name, updates);
		},
		compact: (db, name, opts) => (calls.compact++, documents.compact(db, name, opts))
	};
	return { calls, store };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(check: () => boolean | Promise<boolean>, ms = 3_000) {
	const until = Date.now() + ms;
	while (!(await check())) {
		if (Date.now() > until) throw new Error('timed out waiting for condition');
		await sleep(5);
	}
}

/** A doc whose every local edit is enqueued, as the doc server does with client updates. */
function editedDoc(persistence: ReturnType<typeof createDocPersistence>, name: string) {
	const doc = new Y.Doc();
	doc.on('update', (update: Uint8Array) => {
		persistence.enqueue(name, update);
		void persistence.compactIfDue(name);
	});
	return doc;
}

async function storedText(opened: OpenedStore, name: string) {
	const stored = await documents.load(opened.store.db, name);
	const doc = new Y.Doc();
	if (stored.snapshot) Y.applyUpdate(doc, stored.snapshot);
	for (const u of stored.updates) Y.applyUpdate(doc, u);
	return doc.getText('t').toString();
}

describe('doc persistence', () => {
	let opened: OpenedStore;
	beforeAll(async () => {
		opened = await storeFactories()[0]!.open();
	});
	afterAll(async () => {
		await opened?.dispose();
	});

	it('writes N rapid updates in far fewer INSERTs, within flushMs, without being asked', async () => {
		const { calls, store } = countingStore();
		const { log } = capturedLog();
		const p = createDocPersistence({ db: opened.store.db, log, flushMs: 30, store });
		const doc = editedDoc(p, 'burst');
		const started = Date.now();
		for (let i = 0; i < 300; i++) doc.getText('t').insert(i, 'a');
		expect(calls.append).toBe(0); // batched, not written per update
		await waitFor(async () => (await documents.countSince(opened.store.db, 'burst', 0)) === 300);
		expect(Date.now() - started).toBeLessThan(1_000);
		expect(calls.append).toBeLessThanOrEqual(2);
		expect(p.stats()).toMatchObject({ rows: 300, pending: 0, failures: 0 });
		expect(await storedText(opened, 'burst')).toBe('a'.repeat(300));
		await p.close();
	});

	it('keeps stored rows bounded by compacting, and loads the same text back', async () => {
		const { calls, store } = countingStore();
		const { log } = capturedLog();
		const p = createDocPersistence({
			db: opened.store.db,
			log,
			flushMs: 5,
			compactEvery: 40,
			store
		});
		const doc = editedDoc(p, 'compact');
		for (let i = 0; i < 400; i++) {
			doc.getText('t').insert(i, String(i % 10));
			if (i % 25 === 0) await sleep(6); // let timed flushes happen in between
		}
		await p.flush();
		expect(calls.compact).toBeGreaterThanOrEqual(5);
		// Compaction runs beside the writes (it reads the store), so it may still be folding.
		await waitFor(async () => (await documents.countSince(opened.store.db, 'compact', 0)) < 40);
		const expected = doc.getText('t').toString();
		expect(await storedText(opened, 'compact')).toBe(expected);

		const fresh = createDocPersistence({ db: opened.store.db, log });
		const state = await fresh.load('compact');
		const copy = new Y.Doc();
		Y.applyUpdate(copy, state!);
		expect(copy.getText('t').toString()).toBe(expected);
		await p.close();
	});

	it('never loses an update when a write fails: keeps it queued, logs, retries', async () => {
		const { calls, store } = countingStore();
		const { log, lines } = capturedLog();
		const p = createDocPersistence({ db: opened.store.db, log, flushMs: 5, store });
		const doc = editedDoc(p, 'failing');
		calls.failAppends = 1_000;
		doc.getText('t').insert(0, 'abc');
		await expect(p.flush('failing')).rejects.toThrow('injected write failure');
		expect(p.stats().pending).toBe(1);
		doc.getText('t').insert(3, 'def');
		// While the store refuses writes, a load still sees the queued updates.
		const state = await p.load('failing');
		const copy = new Y.Doc();
		Y.applyUpdate(copy, state!);
		expect(copy.getText('t').toString()).toBe('abcdef');
		expect(await documents.countSince(opened.store.db, 'failing', 0)).toBe(0);
		// The retry timer writes them once the store recovers.
		calls.failAppends = 0;
		await waitFor(() => p.stats().pending === 0);
		expect(await storedText(opened, 'failing')).toBe('abcdef');
		expect(lines.filter((l) => l.msg === 'yjs append failed').length).toBeGreaterThanOrEqual(2);
		expect(lines.every((l) => l.msg !== 'yjs append failed' || l.level === 50)).toBe(true);
		await p.close();
	});

	it('answers null for a document never stored and flushes what is queued on close', async () => {
		const { log } = capturedLog();
		const p = createDocPersistence({ db: opened.store.db, log, flushMs: 60_000 });
		expect(await p.load('nothing')).toBeNull();
		const doc = editedDoc(p, 'on-close');
		doc.getText('t').insert(0, 'last words');
		expect(await documents.countSince(opened.store.db, 'on-close', 0)).toBe(0);
		await p.close();
		expect(await storedText(opened, 'on-close')).toBe('last words');
	});

	it('[DOC-PERSIST-1] two writers on one store, never synced, both compacting: a reload holds every edit', async () => {
		const { log } = capturedLog();
		// Two nodes whose live copies never saw each other's edits (the worst case: no bus).
		const nodeA = createDocPersistence({
			db: opened.store.db,
			log,
			flushMs: 60_000,
			compactEvery: 10
		});
		const nodeB = createDocPersistence({
			db: opened.store.db,
			log,
			flushMs: 60_000,
			compactEvery: 10
		});
		const docA = editedDoc(nodeA, 'shared');
		const docB = editedDoc(nodeB, 'shared');
		for (let i = 0; i < 60; i++) {
			docA.getText('t').insert(0, `A${i};`);
			docB.getText('t').insert(0, `B${i};`);
			if (i % 7 === 0) await Promise.all([nodeA.flush(), nodeB.flush()]);
		}
		await Promise.all([nodeA.flush(), nodeB.flush()]);
		await Promise.all([nodeA.compactIfDue('shared'), nodeB.compactIfDue('shared')]);
		expect(nodeA.stats().compactions + nodeB.stats().compactions).toBeGreaterThan(0);
		const reloaded = new Y.Doc();
		Y.applyUpdate(
			reloaded,
			(await createDocPersistence({ db: opened.store.db, log }).load('shared'))!
		);
		const text = reloaded.getText('t').toString();
		for (let i = 0; i < 60; i++) {
			expect(text).toContain(`A${i};`);
			expect(text).toContain(`B${i};`);
		}
		await Promise.all([nodeA.close(), nodeB.close()]);
	});
});

describe('doc persistence flush schedule (fake timers)', () => {
	afterEach(() => {
		vi.useRealTimers();
	});

	/** A store in memory whose compactions and loads hang until released. */
	function stalledStore() {
		const appends: { db: unknown; rows: number; at: number }[] = [];
		let release: () => void = () => {};
		const stalled = new Promise<void>((resolve) => (release = resolve));
		const store: DocumentStore = {
			load: async () => (await stalled, { snapshot: null, updates: [], lastId: 0 }),
			append: async (db, _name, updates) => (
				appends.push({ db, rows: updates.length, at: Date.now() }),
				appends.length
			),
			compact: async () => (await stalled, null)
		};
		return { store, appends, release: () => release() };
	}

	it('[DOC-FLUSH-1] writes a batch flushMs after its first update, on writeDb, while a compaction and a load hang', async () => {
		vi.useFakeTimers();
		const { log } = capturedLog();
		const { store, appends, release } = stalledStore();
		const db = { name: 'shared pool' } as unknown as Db;
		const writeDb = { name: 'own connection' } as unknown as Db;
		const p = createDocPersistence({ db, writeDb, log, flushMs: 50, compactEvery: 1, store });
		p.enqueue('d', new Uint8Array([1]));
		await vi.advanceTimersByTimeAsync(50);
		expect(appends).toHaveLength(1);
		// A compaction (reading the shared pool) hangs; edits keep their 50 ms window.
		const compaction = p.compactIfDue('d');
		await vi.advanceTimersByTimeAsync(0); // it flushed (nothing queued) and now hangs
		const t0 = Date.now();
		p.enqueue('d', new Uint8Array([2]));
		p.enqueue('d', new Uint8Array([3]));
		await vi.advanceTimersByTimeAsync(49);
		expect(appends).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(appends).toHaveLength(2);
		expect(appends[1]).toMatchObject({ db: writeDb, rows: 2, at: t0 + 50 });
		expect(appends.every((a) => a.db === writeDb)).toBe(true);
		release();
		await compaction;
		await p.close();
	});
});
