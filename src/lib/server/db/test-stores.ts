import { randomBytes } from 'node:crypto';
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
	const store = await openStore({ dataDir: 'memory://' });
	return { store, dispose: () => store.close() };
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
