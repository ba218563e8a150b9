import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Store } from './client';
import * as documents from './documents';
import { storeFactories, type OpenedStore } from './test-stores';

const bytes = (...values: number[]) => new Uint8Array(values);

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

		it('compacts in one step: snapshot covers upToId, later rows stay', async () => {
			const upTo = await documents.append(store.db, 'c', [bytes(1), bytes(2)]);
			const later = await documents.append(store.db, 'c', [bytes(3)]);
			await documents.compact(store.db, 'c', bytes(7, 7), upTo);
			const loaded = await documents.load(store.db, 'c');
			expect(Array.from(loaded.snapshot ?? [])).toEqual([7, 7]);
			expect(loaded.snapshot?.constructor).toBe(Uint8Array);
			expect(loaded.updates.map((u) => Array.from(u))).toEqual([[3]]);
			expect(loaded.lastId).toBe(later);
			expect(await documents.countSince(store.db, 'c', 0)).toBe(1);
			expect(await documents.countSince(store.db, 'c', later)).toBe(0);
		});

		it('never moves a snapshot backwards', async () => {
			const a = await documents.append(store.db, 'd', [bytes(1)]);
			const b = await documents.append(store.db, 'd', [bytes(2)]);
			await documents.compact(store.db, 'd', bytes(20), b);
			await documents.compact(store.db, 'd', bytes(10), a);
			const loaded = await documents.load(store.db, 'd');
			expect(Array.from(loaded.snapshot ?? [])).toEqual([20]);
			expect(loaded.updates).toEqual([]);
			expect(loaded.lastId).toBe(b);
		});

		it('round-trips real Yjs state through snapshot + updates', async () => {
			const doc = new Y.Doc();
			const stored: Uint8Array[] = [];
			doc.on('update', (u: Uint8Array) => stored.push(u));
			doc.getText('t').insert(0, 'hello');
			const upTo = await documents.append(store.db, 'y', stored.splice(0));
			await documents.compact(store.db, 'y', Y.encodeStateAsUpdate(doc), upTo);
			doc.getText('t').insert(5, ' world');
			await documents.append(store.db, 'y', stored.splice(0));
			const loaded = await documents.load(store.db, 'y');
			const copy = new Y.Doc();
			Y.applyUpdate(copy, Y.mergeUpdates([loaded.snapshot!, ...loaded.updates]));
			expect(copy.getText('t').toString()).toBe('hello world');
		});

		it('rolls the whole compaction back when part of it fails', async () => {
			const upTo = await documents.append(store.db, 'r', [bytes(1)]);
			await expect(
				store.db.transaction(async (tx) => {
					await documents.compact(tx, 'r', bytes(5), upTo);
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
