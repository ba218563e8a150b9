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
	/** Postgres only: prepare named statements (default true; see `preparing`). */
	prepare?: boolean;
}

type Sql = postgres.Sql;
type Callback = (sql: Sql) => unknown;

/**
 * drizzle sends every query as an unnamed statement (`prepare: false`), and postgres.js
 * describes each unnamed statement that has parameters before running it: two round trips to
 * the database per query, a ballot's share of its ack latency (tests/bench/diag/acks-pg.js
 * showed connections mostly waiting on the client between the two). This wrapper asks for
 * named statements instead, which postgres.js prepares once per connection and then runs in
 * one round trip. `DATABASE_PREPARE=0` turns it off (for a pooler that cannot keep prepared
 * statements, e.g. PgBouncer in transaction mode).
 */
function preparing(sql: Sql): Sql {
	const scoped =
		(method: 'begin' | 'savepoint') =>
		(...args: unknown[]) => {
			const fn = args.pop() as Callback;
			const call = (sql as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!;
			return call.call(sql, ...args, (inner: Sql) => fn(preparing(inner)));
		};
	return new Proxy(sql, {
		get(target, key) {
			if (key === 'unsafe') {
				return (query: string, params?: unknown[], options?: object) =>
					target.unsafe(query, params as never, { ...options, prepare: true });
			}
			if (key === 'begin' || key === 'savepoint') return scoped(key);
			const value: unknown = Reflect.get(target, key, target);
			return typeof value === 'function' ? value.bind(target) : value;
		}
	});
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
		const db = drizzlePostgres(options.prepare === false ? client : preparing(client), { schema });
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
