/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Starts the production build for the bench: its own port, a throwaway store (PGlite directory
 * or a fresh Postgres database), LOG_LEVEL=warn, and the probe (tests/bench/probe.js) loaded
 * with --import and reachable over IPC. Cold start = spawn → first `/healthz` 200.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import postgres from 'postgres';
import { ADMIN_PASSWORD, ADMIN_USER } from './http.js';
import { sleep } from './stats.js';

export function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {net.AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
	});
}

const PG_ADMIN = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

/** Whether a Postgres server answers at BENCH_PG_URL (default the local one). */
export async function postgresAvailable() {
	const sql = postgres(PG_ADMIN, { max: 1, connect_timeout: 3, onnotice: () => {} });
	try {
		await sql`select 1`;
		return true;
	} catch {
		return false;
	} finally {
		await sql.end({ timeout: 2 }).catch(() => {});
	}
}

/** A fresh database on BENCH_PG_URL's server, for several nodes to share; answers its URL and a drop. */
export async function createPgDatabase(prefix = 'yishi_bench_cluster') {
	const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
	await pgAdmin(`CREATE DATABASE "${name}"`);
	const url = new URL(PG_ADMIN);
	url.pathname = `/${name}`;
	return { url: url.toString(), drop: () => pgAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {}) };
}

async function pgAdmin(statement) {
	const sql = postgres(PG_ADMIN, { max: 1, connect_timeout: 5, onnotice: () => {} });
	try {
		await sql.unsafe(statement);
	} finally {
		await sql.end({ timeout: 5 });
	}
}

/**
 * @param {{root:string, entry:string, store?:'pglite'|'postgres', databaseUrl?:string, dataDir?:string, templateDir?:string,
 *          env?:Record<string,string>, cpuProf?:string, log?:(s:string)=>void}} opts
 */
export async function startServer(opts) {
	const store = opts.store ?? 'pglite';
	const port = await freePort();
	const origin = `http://localhost:${port}`;
	const ownsDir = !opts.dataDir;
	const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'yishi-bench-'));
	// A copy of an initialised PGlite directory starts in ~2 s instead of ~8 s (initdb + migrations).
	if (opts.templateDir && store === 'pglite') cpSync(opts.templateDir, dataDir, { recursive: true });
	let database = null;
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v !== undefined && !/^(PORT|HOST|ORIGIN|DATA_DIR|DATABASE_URL|REDIS_URL|LOG_LEVEL|NODE_OPTIONS|YISHI_)/.test(k))
			env[k] = v;
	}
	Object.assign(env, {
		PORT: String(port),
		HOST: '127.0.0.1',
		ORIGIN: origin,
		DATA_DIR: dataDir,
		LOG_LEVEL: 'warn',
		YISHI_ADMIN_USER: ADMIN_USER,
		YISHI_ADMIN_PASSWORD: ADMIN_PASSWORD,
		...opts.env
	});
	if (store === 'postgres' && opts.databaseUrl) {
		// A database shared with other nodes (the cluster phase): created and dropped by the caller.
		env.DATABASE_URL = opts.databaseUrl;
	} else if (store === 'postgres') {
		database = `yishi_bench_${process.pid}_${Date.now().toString(36)}`;
		await pgAdmin(`CREATE DATABASE "${database}"`);
		const url = new URL(PG_ADMIN);
		url.pathname = `/${database}`;
		env.DATABASE_URL = url.toString();
	}
	const args = ['--expose-gc', '--import', pathToFileURL(path.join(opts.root, 'tests/bench/probe.js')).href];
	if (opts.cpuProf) args.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProf}`);
	args.push(opts.entry);
	const t0 = performance.now();
	const child = spawn(process.execPath, args, {
		cwd: opts.root,
		env,
		stdio: ['ignore', 'pipe', 'pipe', 'ipc']
	});
	const lines = [];
	let warnings = 0;
	const keep = (line) => {
		lines.push(line);
		if (lines.length > 200) lines.shift();
	};
	const onOut = (chunk) => {
		for (const line of chunk.toString().split('\n')) {
			if (!line) continue;
			keep(line);
			if (/"level":(40|50|60)/.test(line)) warnings++;
		}
	};
	child.stdout.on('data', onOut);
	child.stderr.on('data', (chunk) => {
		for (const line of chunk.toString().split('\n')) if (line) keep(`[stderr] ${line}`);
	});
	let exited = null;
	const pending = new Map();
	const exit = new Promise((resolve) =>
		child.once('exit', (code, signal) => {
			exited = { code, signal };
			for (const p of pending.values()) p.reject(new Error(`server exited (${JSON.stringify(exited)})\n${lines.slice(-10).join('\n')}`));
			pending.clear();
			resolve(exited);
		})
	);
	let nextId = 1;
	child.on('message', (msg) => {
		if (msg?.type !== 'probe-result') return;
		const p = pending.get(msg.id);
		if (!p) return;
		pending.delete(msg.id);
		if (msg.error) p.reject(new Error(msg.error));
		else p.resolve(msg.result);
	});
	const probe = (cmd, args2, timeoutMs = 120_000) =>
		new Promise((resolve, reject) => {
			if (exited) return reject(new Error(`server exited (${JSON.stringify(exited)})`));
			const id = nextId++;
			const timer = setTimeout(() => {
				pending.delete(id);
				reject(new Error(`probe ${cmd} timed out`));
			}, timeoutMs);
			pending.set(id, {
				resolve: (v) => (clearTimeout(timer), resolve(v)),
				reject: (e) => (clearTimeout(timer), reject(e))
			});
			child.send({ type: 'probe', id, cmd, args: args2 });
		});

	const base = `http://127.0.0.1:${port}`;
	let coldStartMs = null;
	const deadline = Date.now() + 90_000;
	while (Date.now() < deadline) {
		if (exited) break;
		try {
			const res = await fetch(`${base}/healthz`);
			await res.text();
			if (res.status === 200) {
				coldStartMs = performance.now() - t0;
				break;
			}
		} catch {
			/* not listening yet */
		}
		await sleep(20);
	}
	const cleanup = async () => {
		if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
		if (database) await pgAdmin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
	};
	if (coldStartMs === null) {
		child.kill('SIGKILL');
		await exit;
		await cleanup();
		throw new Error(`server did not become healthy\n${lines.slice(-30).join('\n')}`);
	}

	return {
		store,
		port,
		origin,
		base,
		wsBase: `ws://127.0.0.1:${port}`,
		pid: child.pid,
		dataDir,
		coldStartMs,
		lines,
		warnings: () => warnings,
		probe,
		/** Public info for driver processes. */
		info() {
			return { origin, base, wsBase: `ws://127.0.0.1:${port}`, pid: child.pid, store };
		},
		/** SIGTERM (flushes), then SIGKILL after 20 s; removes the store unless `keepStore`. */
		async stop({ keepStore = false } = {}) {
			if (!exited) {
				child.kill('SIGTERM');
				const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
				await exit;
				clearTimeout(t);
			}
			if (!keepStore) await cleanup();
			return exited;
		},
		exited: () => exited
	};
}

/** VmRSS of a process in KB, read from /proc (no help from the process itself). */
export async function vmRssKb(pid) {
	const { readFile } = await import('node:fs/promises');
	const text = await readFile(`/proc/${pid}/status`, 'utf8');
	return Number(/^VmRSS:\s+(\d+) kB/m.exec(text)?.[1] ?? NaN);
}
