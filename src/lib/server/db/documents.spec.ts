import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as Y from 'yjs';
import type { Store } from './client';
import * as documents from './documents';
import { storeFactories, type OpenedStore } from './test-stores';

// Opening PGlite and migrating takes seconds, many more on a shared, busy machine.
vi.setConfig({ hookTimeout: 60_000, testTimeout: 30_000 });

const bytes = (...values: number[]) => new Uint8Array(values);

/** A Y.Doc whose edits are collected for appending, typed at the end of Y.Text `t`. */
function writer(clientID?: number) {
	const doc = new Y.Doc();
	if (clientID !== undefined) doc.clientID = clientID;
	const pending: Uint8Array[] = [];
	doc.on('update', (u: Uint8Array) => pending.push(u));
	const text = doc.getText('t');
	return {
		type: (words: string) => text.insert(text.length, words),
		take: () => pending.splice(0)
	};
}

/** The text the store holds (snapshot + every stored row). */
async function textOf(store: Store, docName: string) {
	const loaded = await documents.load(store.db, docName);
	const doc = new Y.Doc();
	if (loaded.snapshot) Y.applyUpdate(doc, loaded.snapshot);
	for (const u of loaded.updates) Y.applyUpdate(doc, u);
	return doc.getText('t').toString();
}

/** One contract, every backend: PGlite always, Postgres when DATABASE_URL is set. */
export function registerDocumentStoreContract(name: string, open: () => Promise<OpenedStore>) {
	describe(`document store contract: ${name}`, () => {
		let opened: OpenedStore;
		let store: Store;
		beforeAll(async () => {
			opened = await open();
			store = opened.store;
		});
		afterAll(async () => {
			await opened?.dispose();
		});

		it('loads nothing for an unknown document', async () => {
			expect(await documents.load(store.db, 'unknown')).toEqual({
				snapshot: null,
				updates: [],
				lastId: 0
			});
		});

		it('appends in order and loads plain Uint8Arrays back', async () => {
			const first = await documents.append(store.db, 'a', [bytes(1), bytes(2, 2)]);
			const last = await documents.append(store.db, 'a', [bytes(3, 3, 3)]);
			await documents.append(store.db, 'other', [bytes(9)]);
			expect(last).toBeGreaterThan(first);
			const loaded = await documents.load(store.db, 'a');
			expect(loaded.snapshot).toBeNull();
			expect(loaded.lastId).toBe(last);
			expect(loaded.updates.map((u) => Array.from(u))).toEqual([[1], [2, 2], [3, 3, 3]]);
			// Buffer (postgres.js) must not leak out: callers rely on plain Uint8Array equality.
			for (const u of loaded.updates) expect(u.constructor).toBe(Uint8Array);
			expect(await documents.append(store.db, 'a', [])).toBe(0);
		});

		it('[DOC-COMPACT-1] folds the stored snapshot and rows into a snapshot; later rows stay', async () => {
			const w = writer();
			w.type('hello');
			const upTo = await documents.append(store.db, 'c', w.take());
			const first = await documents.compact(store.db, 'c');
			expect(first).toMatchObject({ rows: 1, upToId: upTo });
			w.type(' world');
			const later = await documents.append(store.db, 'c', w.take());
			const loaded = await documents.load(store.db, 'c');
			expect(loaded.snapshot?.constructor).toBe(Uint8Array);
			expect(loaded.updates).toHaveLength(1);
			expect(loaded.lastId).toBe(later);
			expect(await textOf(store, 'c')).toBe('hello world');
			// The second compaction starts from the first snapshot: nothing of it is lost.
			expect(await documents.compact(store.db, 'c')).toMatchObject({ rows: 1, upToId: later });
			expect(await documents.countSince(store.db, 'c', 0)).toBe(0);
			expect(await textOf(store, 'c')).toBe('hello world');
			expect(await documents.compact(store.db, 'c')).toBeNull(); // nothing left to fold
		});

		it("[DOC-COMPACT-2] folds every writer's rows: one writer compacting never drops another's edits", async () => {
			// Two nodes (or two doc servers) that never saw each other's edits, one store.
			const a = writer(1);
			const b = writer(2);
			for (let i = 0; i < 20; i++) {
				a.type(`a${i};`);
				b.type(`b${i};`);
				const appends = [
					documents.append(store.db, 'two', a.take()),
					documents.append(store.db, 'two', b.take())
				];
				// Compactions race the appends (both writers compact, as both nodes would).
				if (i % 3 === 0) appends.push(documents.compact(store.db, 'two').then(() => 0));
				if (i % 4 === 0) appends.push(documents.compact(store.db, 'two').then(() => 0));
				await Promise.all(appends);
			}
			await documents.compact(store.db, 'two');
			const text = await textOf(store, 'two');
			for (let i = 0; i < 20; i++) {
				expect(text).toContain(`a${i};`);
				expect(text).toContain(`b${i};`);
			}
		});

		it('[DOC-COMPACT-3] loads and later folds a row whose id is below the snapshot (committed after a fold read)', async () => {
			const w = writer();
			w.type('early');
			await documents.append(store.db, 'late', w.take());
			w.type(' late');
			const late = await documents.append(store.db, 'late', w.take());
			// The fold read only the first row; the second committed after it with a lower id
			// than the snapshot now claims (ids are handed out before commit).
			const first = new Y.Doc();
			Y.applyUpdate(first, (await documents.load(store.db, 'late')).updates[0]!);
			await store.db.execute(
				sql`insert into doc_snapshots (doc_name, state, up_to_id) values ('late', ${Buffer.from(Y.encodeStateAsUpdate(first))}, ${late + 100})`
			);
			await store.db.execute(sql`delete from doc_updates where doc_name = 'late' and id < ${late}`);
			expect(await textOf(store, 'late')).toBe('early late');
			expect(await documents.compact(store.db, 'late')).toMatchObject({
				rows: 1,
				upToId: late + 100
			});
			expect(await textOf(store, 'late')).toBe('early late');
		});

		it('[DOC-COMPACT-4] rolls the whole compaction back when part of it fails', async () => {
			const w = writer();
			w.type('kept');
			await documents.append(store.db, 'r', w.take());
			await expect(
				store.db.transaction(async (tx) => {
					await documents.compact(tx, 'r');
					throw new Error('abort');
				})
			).rejects.toThrow('abort');
			const loaded = await documents.load(store.db, 'r');
			expect(loaded.snapshot).toBeNull();
			expect(loaded.updates).toHaveLength(1);
		});
	});
}

for (const factory of storeFactories()) registerDocumentStoreContract(factory.name, factory.open);
