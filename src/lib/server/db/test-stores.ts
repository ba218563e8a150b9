import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { openStore, type Store } from './client';

/** Test-only helper: the stores every storage contract suite runs against (ARCHITECTURE rule 5). */
export interface OpenedStore {
	store: Store;
	dispose(): Promise<void>;
}

export interface StoreFactory {
	name: string;
	open(): Promise<OpenedStore>;
}

/** PGlite in memory always; Postgres too when DATABASE_URL is set. */
export function storeFactories(): StoreFactory[] {
	const factories: StoreFactory[] = [{ name: 'pglite', open: openPglite }];
	const url = process.env.DATABASE_URL;
	if (url) factories.push({ name: 'postgres', open: () => openThrowawayPostgres(url) });
	return factories;
}

async function openPglite(): Promise<OpenedStore> {
	const store = await openStore({ dataDir: 'memory://', template: await migratedTemplate() });
	return { store, dispose: () => store.close() };
}

let template: Promise<Blob> | null = null;

/**
 * A PGlite data directory with every migration applied, made once per set of migrations and
 * kept in the temp folder: migrating a fresh PGlite takes 4–5 s, loading this a fraction of it,
 * and each spec file runs in its own process. Keyed by the migrations' bytes, so a new or
 * changed migration makes a new template; written under a temporary name and renamed, so two
 * processes making it at once never read half of one.
 */
function migratedTemplate(): Promise<Blob> {
	template ??= (async () => {
		const folder = path.resolve(process.cwd(), 'drizzle');
		const hash = createHash('sha256');
		for (const name of readdirSync(folder)
			.filter((f) => f.endsWith('.sql'))
			.sort()) {
			hash.update(name).update(readFileSync(path.join(folder, name)));
		}
		hash.update(readFileSync(path.join(folder, 'meta/_journal.json')));
		const file = path.join(os.tmpdir(), `yishi-pglite-${hash.digest('hex').slice(0, 16)}.tar`);
		if (existsSync(file)) return new Blob([readFileSync(file)]);
		const store = await openStore({ dataDir: 'memory://' });
		try {
			const client = (store.db as unknown as { $client: PGlite }).$client;
			const dump = await client.dumpDataDir('none');
			const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
			writeFileSync(partial, new Uint8Array(await dump.arrayBuffer()));
			renameSync(partial, file);
			return dump;
		} finally {
			await store.close();
		}
	})();
	return template;
}

/**
 * A database of its own per suite, so suites running in parallel (and leftovers of earlier
 * runs) never see each other's rows. Dropped WITH (FORCE) in case a connection lingers.
 */
async function openThrowawayPostgres(adminUrl: string): Promise<OpenedStore> {
	const name = `yishi_t_${randomBytes(6).toString('hex')}`;
	const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
	try {
		await admin.unsafe(`CREATE DATABASE ${name}`);
		const url = new URL(adminUrl);
		url.pathname = `/${name}`;
		const store = await openStore({ databaseUrl: url.toString() });
		return {
			store,
			dispose: async () => {
				try {
					await store.close();
					await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
				} finally {
					await admin.end({ timeout: 5 });
				}
			}
		};
	} catch (error) {
		await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => {});
		await admin.end({ timeout: 5 });
		throw error;
	}
}
