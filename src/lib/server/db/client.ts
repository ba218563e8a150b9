import { PGlite, protocol } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { createBreaker } from './breaker';
import * as schema from './schema';

export type Schema = typeof schema;
/** What every data module takes: the database or a transaction on it, on either store. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Store {
	readonly kind: 'pglite' | 'postgres';
	readonly db: Db;
	/**
	 * Answers when the store runs a query within `timeoutMs` (used by /healthz). On Postgres a
	 * failed ping is also a hint to the breaker (`renewablePool`).
	 */
	ping(timeoutMs: number): Promise<void>;
	/**
	 * Postgres: takes a session advisory lock on a connection of its own, held until `release`
	 * or until that connection dies (the node died: Postgres frees the lock). Null when another
	 * connection holds it. PGlite (one process): always granted.
	 */
	tryLock(key: number): Promise<HeldLock | null>;
	close(): Promise<void>;
}

export interface HeldLock {
	/** False once the lock's connection is gone (the lock with it). */
	alive(): Promise<boolean>;
	release(): Promise<void>;
}

/** Advisory lock keys (one namespace for the whole app). */
export const LOCKS = { migrations: 7_352_001, leader: 7_352_002 } as const;

export interface StoreOptions {
	/** postgres:// URL; when absent the embedded PGlite store is used. */
	databaseUrl?: string;
	/** PGlite data directory; `memory://` for a throwaway in-memory store. */
	dataDir?: string;
	migrationsFolder?: string;
	/** Postgres only: prepare named statements (default true; see `preparing`). */
	prepare?: boolean;
	/**
	 * PGlite only: start from this dumped data directory (`PGlite.dumpDataDir`) — tests open an
	 * already migrated database this way instead of migrating each one (db/test-stores.ts).
	 */
	template?: Blob;
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

/**
 * How long a connection attempt may take before the query fails with CONNECT_TIMEOUT (postgres.js
 * waits 30 s by default). Only queries that meet a Postgres that has just gone wait this long:
 * once the breaker below knows it is down, queries are refused without any attempt.
 */
const CONNECT_TIMEOUT_S = 5;
/**
 * How long postgres.js waits before a connection whose last attempt failed tries again. Its
 * default grows with every failed attempt of the pool, up to 20 s (`backoff` in
 * node_modules/postgres/src/index.js): a query handed to such a connection waited that long
 * just to be refused. Pacing attempts while Postgres is down is the breaker's job instead.
 */
const RECONNECT_BACKOFF_S = 0.1;
/** How often the breaker asks a Postgres known to be down whether it is back. */
const PROBE_EVERY_MS = 500;
/** A probe's connection attempt gives up after this (a host that drops packets says nothing). */
const PROBE_CONNECT_TIMEOUT_S = 2;
/** How long a pool replaced after a false alarm may finish its running queries. */
const RETIRE_TIMEOUT_S = 5;

/**
 * A postgres.js pool behind a circuit breaker (db/breaker.ts), replaced by a fresh one whenever
 * Postgres answers again after a hint that it was gone.
 *
 * Why replace it: postgres.js 3.4.x leaves a connection unusable when its socket closes while a
 * write is still pending: `closed()` cancels the pending write but keeps its timer handle, so
 * that connection never flushes a write again (and when the write fires first it throws on the
 * null socket, trap 12). Its pool reuses the same `max` connection objects forever, so after an
 * outage some queries would hang for good (tests/integration/postgres-outage.test.ts found
 * ballots left without an answer).
 *
 * The hints: a connection of the current pool closed (which includes every failed connection
 * attempt), the postgres.js crash guard, a failed health check (`ping`). A probe on a
 * connection of its own then asks Postgres at once:
 * - no answer: the breaker opens and the pool is ended at once — queries waiting in it fail
 *   with CONNECTION_DESTROYED and every new query with CONNECTION_ENDED, both reported as
 *   `store_unavailable` (db/availability.ts) within milliseconds; nothing queues behind
 *   connection attempts. The probe asks again every PROBE_EVERY_MS, and its first answer puts a
 *   fresh pool in place: no query after recovery meets a connection that died with the outage.
 * - an answer (a false alarm, e.g. a connection closed by postgres.js at the end of its
 *   `max_lifetime`): a fresh pool takes over and the old one finishes its running queries.
 */
function renewablePool(url: string, prepare: boolean) {
	let closing = false;
	const open = () => {
		const client: Sql = postgres(url, {
			max: 10,
			connect_timeout: CONNECT_TIMEOUT_S,
			backoff: () => RECONNECT_BACKOFF_S,
			onnotice: () => {},
			// A retired pool's connections closing say nothing about the current one.
			onclose: () => {
				if (current.client === client) breaker.suspect();
			},
			connection: { application_name: 'yishi' }
		});
		// drizzle sets its type parsers on the client it is given; a later pool needs them too.
		drizzlePostgres(client, { schema });
		return { client, wrapped: prepare ? preparing(client) : client };
	};
	const probe = async (signal: AbortSignal) => {
		const check = postgres(url, {
			max: 1,
			connect_timeout: PROBE_CONNECT_TIMEOUT_S,
			onnotice: () => {},
			connection: { application_name: 'yishi-probe' }
		});
		signal.addEventListener('abort', () => void check.end({ timeout: 0 }).catch(() => {}));
		try {
			await check`select 1`;
		} finally {
			// Not awaited: a polite goodbye to Postgres must not delay the recovery it announces.
			void check.end({ timeout: 1 }).catch(() => {});
		}
	};
	const breaker = createBreaker({
		probe,
		probeEveryMs: PROBE_EVERY_MS,
		probeTimeoutMs: PROBE_CONNECT_TIMEOUT_S * 1_000 + 1_000,
		onOpen() {
			console.error(
				JSON.stringify({
					level: 40,
					msg: 'postgres does not answer: refusing queries until it does'
				})
			);
			void current.client.end({ timeout: 0 }).catch(() => {});
		},
		onAnswer(wasOpen) {
			if (closing) return;
			const old = current;
			current = open();
			console.error(
				JSON.stringify({ level: 30, msg: 'postgres is back: connection pool renewed' })
			);
			// After an outage the old pool is already ended; after a false alarm it finishes.
			if (!wasOpen) void old.client.end({ timeout: RETIRE_TIMEOUT_S }).catch(() => {});
		}
	});
	let current = open();
	const forward = new Proxy(function () {} as unknown as Sql, {
		apply: (_t, _this, args: unknown[]) =>
			(current.wrapped as unknown as (...a: unknown[]) => unknown)(...args),
		get: (_t, key) => {
			const { wrapped } = current;
			const value: unknown = Reflect.get(wrapped, key);
			return typeof value === 'function' ? value.bind(wrapped) : value;
		}
	});
	return {
		sql: forward,
		raw: () => current.client,
		suspect: () => breaker.suspect(),
		async close() {
			closing = true;
			breaker.stop();
			await current.client.end({ timeout: 5 });
		}
	};
}

const defaultMigrations = () => path.resolve(process.cwd(), 'drizzle');

/** Opens the store and applies every migration in `drizzle/` before answering. */
export async function openStore(options: StoreOptions): Promise<Store> {
	const migrationsFolder = options.migrationsFolder ?? defaultMigrations();
	if (options.databaseUrl) {
		// Created here, not at import: postgres() parses the URL at once (src/lib/server/ARCHITECTURE.md trap 10).
		const pool = renewablePool(options.databaseUrl, options.prepare !== false);
		guardPostgresCrash(pool.suspect);
		const db = drizzlePostgres(pool.sql, { schema });
		await migrateLocked(options.databaseUrl, migrationsFolder, () =>
			migratePostgres(db, { migrationsFolder })
		);
		return {
			kind: 'postgres',
			db: db as unknown as Db,
			ping: async (timeoutMs) => {
				try {
					await within(db.execute(sql`select 1`), timeoutMs);
				} catch (error) {
					pool.suspect();
					throw error;
				}
			},
			tryLock: (key) => tryLockOn(pool.raw(), key),
			close: () => pool.close()
		};
	}
	const dataDir = options.dataDir ?? './data';
	if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
	const client = await PGlite.create({
		...(dataDir.startsWith('memory://') ? {} : { dataDir }),
		...(options.template ? { loadDataDir: options.template } : {})
	});
	const db = drizzlePglite(client, { schema });
	await migratePglite(db, { migrationsFolder });
	return {
		kind: 'pglite',
		db: db as unknown as Db,
		ping: (timeoutMs) => within(db.execute(sql`select 1`), timeoutMs),
		tryLock: async () => ({ alive: async () => !client.closed, release: async () => {} }),
		close: () => client.close()
	};
}

/** `work`, or a rejection once `ms` passed without its answer. */
async function within(work: Promise<unknown>, ms: number): Promise<void> {
	let timer: NodeJS.Timeout | undefined;
	try {
		await Promise.race([
			work,
			new Promise((_, reject) => {
				timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
			})
		]);
	} finally {
		clearTimeout(timer);
	}
}

/**
 * Several nodes started at once on an empty database would race through the same migrations
 * (CREATE TABLE … already exists): each waits for a session advisory lock on a connection of
 * its own, so one migrates and the others then find nothing left to do.
 */
async function migrateLocked(
	url: string,
	migrationsFolder: string,
	migrate: () => Promise<void>
): Promise<void> {
	const lock = postgres(url, { max: 1, onnotice: () => {} });
	try {
		await lock`select pg_advisory_lock(${LOCKS.migrations})`;
		// A runtime role that only reads and appends (docs/OPERATING.md, "Trust") may not create drizzle's
		// schema or table even when nothing is pending: it then never calls the migrator at all.
		if (await upToDate(lock, migrationsFolder)) return;
		try {
			await migrate();
		} catch (error) {
			if ((error as { code?: string }).code !== '42501') throw error;
			throw new Error(
				'the role in DATABASE_URL may not apply the pending migrations: start once with the owning role (docs/OPERATING.md, "Trust: key custody and database roles")',
				{ cause: error }
			);
		}
	} finally {
		await lock`select pg_advisory_unlock(${LOCKS.migrations})`.catch(() => {});
		await lock.end({ timeout: 1 });
	}
}

/** Whether the database already has every migration in the folder (false if it cannot tell). */
async function upToDate(client: Sql, migrationsFolder: string): Promise<boolean> {
	const newest = Math.max(...readMigrationFiles({ migrationsFolder }).map((m) => m.folderMillis));
	try {
		const [row] =
			await client`select max(created_at)::text as at from drizzle.__drizzle_migrations`;
		return row?.at != null && Number(row.at) >= newest;
	} catch {
		return false; // no drizzle schema yet, or not readable by this role: let the migrator say
	}
}

async function tryLockOn(client: Sql, key: number): Promise<HeldLock | null> {
	const reserved = await client.reserve();
	try {
		const [row] = await reserved`select pg_try_advisory_lock(${key}) as ok`;
		if (!row?.ok) {
			reserved.release();
			return null;
		}
	} catch (error) {
		reserved.release();
		throw error;
	}
	// Postgres must notice a vanished leader soon, not after the default two hours of TCP silence.
	await reserved`set tcp_keepalives_idle = 5`.catch(() => {});
	await reserved`set tcp_keepalives_interval = 2`.catch(() => {});
	await reserved`set tcp_keepalives_count = 3`.catch(() => {});
	let gone = false;
	return {
		async alive() {
			if (gone) return false;
			try {
				await Promise.race([
					reserved`select 1`,
					new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000))
				]);
				return true;
			} catch {
				gone = true;
				return false;
			}
		},
		async release() {
			if (!gone) await reserved`select pg_advisory_unlock(${key})`.catch(() => {});
			gone = true;
			reserved.release();
		}
	};
}

/**
 * postgres.js 3.4.x can throw a TypeError from a timer when Postgres dies mid-query (its
 * `nextWrite` writes to a socket that is already gone; porsager/postgres#1154, #1208). Left
 * alone it ends the process; it only concerns a connection that is closing anyway, so it is
 * logged and the pool is told to renew itself (`renewablePool`: that connection object stays
 * unusable). Any other uncaught error still ends the process.
 */
function guardPostgresCrash(onBug: () => void): void {
	const KEY = Symbol.for('yishi.pgCrashGuard');
	const g = globalThis as unknown as Record<symbol, Set<() => void> | undefined>;
	const known = g[KEY];
	if (known) return void known.add(onBug);
	const listeners = new Set([onBug]);
	g[KEY] = listeners;
	process.on('uncaughtException', (error, origin) => {
		if (isPostgresWriteBug(error)) {
			for (const listener of listeners) listener();
			console.error(
				JSON.stringify({ level: 40, msg: 'postgres connection lost mid-write (guarded)' })
			);
			return;
		}
		console.error(origin, error);
		process.exit(1);
	});
}

export function isPostgresWriteBug(error: unknown): boolean {
	return (
		error instanceof TypeError &&
		/reading 'write'/.test(error.message) &&
		/nextWrite|postgres[\\/]/.test(error.stack ?? '')
	);
}

const dialect = new PgDialect();
/** Per PGlite database: the names of the statements `executeHot` has prepared on it. */
const preparedOn = new WeakMap<PGlite, Set<string>>();

function concat(parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

function asText(value: unknown): string | null {
	if (value === null || value === undefined) return null;
	if (typeof value === 'string') return value;
	if (value instanceof Date) return value.toISOString();
	if (typeof value === 'object') return JSON.stringify(value);
	return String(value as number | boolean | bigint);
}

/**
 * Runs a statement on the hot path of an ack (one statement, its own transaction).
 *
 * Postgres: `db.execute` — postgres.js already runs it as a named prepared statement
 * (`preparing`). PGlite: its `query` parses and plans every statement anew and enters the
 * database five times per query (parse, describe, bind, describe, execute); a ballot's
 * statement (a CTE with a row lock and an upsert) spends most of its time there. Here it is
 * prepared once per database under `name`, then bound, run and committed with ONE call (bind,
 * describe, execute, sync) — the same statement, the same implicit transaction ended by Sync,
 * the same commit (a PGlite commit writes its WAL before the call returns). It holds both of
 * PGlite's locks, as `query` does, so it never runs inside another caller's transaction.
 * Values come back as text on PGlite (as postgres.js types them on Postgres): callers convert.
 */
export async function executeHot(
	db: Db,
	name: string,
	query: SQL
): Promise<Record<string, unknown>[]> {
	const pg = (db as unknown as { $client?: unknown }).$client;
	if (!(pg instanceof PGlite)) {
		// postgres.js answers the rows, PGlite (a transaction, which has no $client) an object.
		const result = await db.execute(query);
		return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Record<
			string,
			unknown
		>[];
	}
	const { sql: text, params } = dialect.sqlToQuery(query);
	let prepared = preparedOn.get(pg);
	if (!prepared) preparedOn.set(pg, (prepared = new Set()));
	const { serialize } = protocol;
	const parts: Uint8Array[] = [];
	if (!prepared.has(name)) {
		// Close first: after an error the statement may or may not exist.
		parts.push(serialize.close({ type: 'S', name }), serialize.parse({ name, text, types: [] }));
	}
	parts.push(
		serialize.bind({ statement: name, values: params.map(asText) }),
		serialize.describe({ type: 'P' }),
		serialize.execute({}),
		serialize.sync()
	);
	const message = concat(parts);
	let messages: unknown[];
	try {
		({ messages } = await pg._runExclusiveTransaction(() =>
			pg._runExclusiveQuery(() => pg.execProtocol(message))
		));
	} catch (error) {
		prepared.delete(name);
		throw error;
	}
	prepared.add(name);
	let fields: string[] = [];
	const rows: Record<string, unknown>[] = [];
	for (const m of messages as { name: string }[]) {
		if (m.name === 'rowDescription') {
			fields = (m as unknown as { fields: { name: string }[] }).fields.map((f) => f.name);
		} else if (m.name === 'dataRow') {
			const values = (m as unknown as { fields: (string | null)[] }).fields;
			rows.push(Object.fromEntries(fields.map((f, i) => [f, values[i] ?? null])));
		}
	}
	return rows;
}
