import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
/** What every data module takes: the database or a transaction on it, on either store. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Store {
	readonly kind: 'pglite' | 'postgres';
	readonly db: Db;
	/** Answers when the store can run a query (used by /healthz). */
	ping(): Promise<void>;
	close(): Promise<void>;
}

export interface StoreOptions {
	/** postgres:// URL; when absent the embedded PGlite store is used. */
	databaseUrl?: string;
	/** PGlite data directory; `memory://` for a throwaway in-memory store. */
	dataDir?: string;
	migrationsFolder?: string;
}

const defaultMigrations = () => path.resolve(process.cwd(), 'drizzle');

/** Opens the store and applies every migration in `drizzle/` before answering. */
export async function openStore(options: StoreOptions): Promise<Store> {
	const migrationsFolder = options.migrationsFolder ?? defaultMigrations();
	if (options.databaseUrl) {
		// Created here, not at import: postgres() parses the URL at once (STACK-NOTES #10).
		const client = postgres(options.databaseUrl, {
			max: 10,
			onnotice: () => {},
			connection: { application_name: 'yishi' }
		});
		const db = drizzlePostgres(client, { schema });
		await migratePostgres(db, { migrationsFolder });
		return {
			kind: 'postgres',
			db: db as unknown as Db,
			ping: async () => void (await db.execute(sql`select 1`)),
			close: () => client.end({ timeout: 5 })
		};
	}
	const dataDir = options.dataDir ?? './data';
	if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
	const client = await PGlite.create(dataDir.startsWith('memory://') ? undefined : dataDir);
	const db = drizzlePglite(client, { schema });
	await migratePglite(db, { migrationsFolder });
	return {
		kind: 'pglite',
		db: db as unknown as Db,
		ping: async () => void (await db.execute(sql`select 1`)),
		close: () => client.close()
	};
}
