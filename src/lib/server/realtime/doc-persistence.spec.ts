import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import * as documents from '../db/documents';
import { storeFactories, type OpenedStore } from '../db/test-stores';
import { createDocPersistence, type DocumentStore } from './doc-persistence';

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
		compact: (db, name, state, upToId) => (
			calls.compact++,
			documents.compact(db, name, state, upToId)
		)
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
		void persistence.compactIfDue(name, doc);
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
		expect(await documents.countSince(opened.store.db, 'compact', 0)).toBeLessThan(40);
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
});
