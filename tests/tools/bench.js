#!/usr/bin/env node
/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * `npm run bench` — what people in the room feel, against the limits of the machine.
 *
 *   npm run bench                  full run (< 15 min on 2 cores)
 *   npm run bench -- --quick       smaller N, shorter runs (< 2 min once built)
 *   npm run bench -- --out <dir>   report directory (default bench/)
 *   npm run bench -- --only fanout,acks   only these phases (app, fanout, acks, rooms, churn, cluster, search;
 *                                  app's parts one by one: pages, join, editing, yjs)
 *   npm run bench -- --profile     CPU-profile the server during the hot phases (adds ~5 % load;
 *                                  .cpuprofile files in <out>/profiles, top functions in the JSON)
 *   npm run bench -- --no-build    use the private build as it is, even if stale
 *
 * It builds a private production copy (node_modules/.cache/yishi-bench-build) when missing or
 * older than any build input, starts it with a real store (PGlite; Postgres too when one answers
 * at BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres) and the server probe
 * (tests/bench/probe.js), and drives it from load clients in separate processes
 * (tests/bench/driver.js). Figures that depend on the machine are reported next to baselines
 * measured in the same run. Output: <out>/report.md and <out>/report.json.
 *
 * The cluster phase (with Postgres and a `redis-server` binary) starts a lone node and two nodes
 * sharing a database and a private redis-server on a random port, and compares them in the same
 * run. BENCH_CLUSTER_ROOM scales its big room down (default 5 000 people; 500 in --quick) when
 * the machine cannot hold it; the report says what was run.
 */
import { fork, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
	copyFileSync,
	existsSync,
	mkdirSync,
	readdirSync,
	rmSync,
	statSync,
	writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_INPUTS } from '../../src/cli/ensure-build.js';
import { createPgDatabase, freePort, postgresAvailable, startServer } from '../bench/lib/server.js';
import { sleep } from '../bench/lib/stats.js';
import { renderMarkdown, evaluateTargets } from '../bench/report.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
// A git worktree that links node_modules from another checkout shares this cache with it:
// BENCH_BUILD_DIR (relative to the repository) keeps its bench build apart, e.g. `build`.
const BUILD_DIR = process.env.BENCH_BUILD_DIR || 'node_modules/.cache/yishi-bench-build';
const KIT_DIR = '.svelte-kit-bench';
const ENTRY = path.join(ROOT, BUILD_DIR, 'server.js');

// ------------------------------------------------------------------------------------------
// arguments

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const option = (name) => {
	const i = argv.indexOf(name);
	return i >= 0 ? argv[i + 1] : undefined;
};
if (flag('--help') || flag('-h')) {
	console.log(readHelp());
	process.exit(0);
}
const QUICK = flag('--quick');
const OUT = path.resolve(ROOT, option('--out') ?? 'bench');
const ONLY = option('--only')
	?.split(',')
	.map((s) => s.trim());
const PROFILE = flag('--profile');
const want = (phase) => !ONLY || ONLY.includes(phase);

function readHelp() {
	return 'usage: npm run bench [-- --quick] [--out <dir>] [--only app|pages,slow4g,join,editing,yjs,fanout,acks,rooms,churn,cluster,search] [--profile] [--no-build]';
}

/** Everything that depends on --quick. */
const P = QUICK
	? {
			pages: { archivePath: process.env.BENCH_ARCHIVE_PATH || '/archive/s/:id' },
			join: { sizes: [25_000, 250_000, 1_000_000], warm: 3, browser: false, cold: false },
			editing: { passive: 100, keystrokes: 100, perSecond: 40 },
			yjs: { seconds: 3, window: 64, compaction: false },
			fanout: {
				levels: [200],
				ballots: 50,
				gapMs: 120,
				memAt: null,
				connectBudgetMs: 60_000,
				storm: { at: 200, n: 200, windowMs: 2_000, tauMs: 500 }
			},
			// One settled sample per step: the per-participant figure is not judged in --quick.
			acks: { rate: 200, seconds: 1, voters: 100, memSteps: 1, memTries: 1 },
			rooms: { count: 100, split: false },
			churn: { pool: 100, connected: 50, perSecond: 20, warmupS: 2, seconds: 4, sampleS: 1 },
			cluster: {
				fanoutN: 200,
				ballots: 30,
				gapMs: 120,
				keystrokes: 100,
				perSecond: 40,
				room: clusterRoom(500),
				roomBallots: 10,
				connectBudgetMs: 120_000
			},
			search: { sessions: 200, reps: 5, ilikeReps: 3 }
		}
	: {
			pages: { archivePath: process.env.BENCH_ARCHIVE_PATH || '/archive/s/:id' },
			join: { sizes: [25_000, 250_000, 1_000_000], warm: 10, browser: true, cold: true },
			editing: { passive: 200, keystrokes: 400, perSecond: 20 },
			yjs: { seconds: 10, window: 64, compaction: true },
			fanout: {
				levels: [200, 1000, 5000],
				ballots: 50,
				gapMs: 120,
				memAt: 1000,
				connectBudgetMs: 240_000,
				storm: { at: 1000, n: 1000, windowMs: 10_000, tauMs: 2_500 }
			},
			acks: { rate: 200, seconds: 5, voters: 200 },
			rooms: { count: 1000, split: true },
			churn: { pool: 400, connected: 200, perSecond: 50, warmupS: 10, seconds: 90 },
			cluster: {
				fanoutN: 1000,
				ballots: 50,
				gapMs: 120,
				keystrokes: 300,
				perSecond: 20,
				room: clusterRoom(5000),
				roomBallots: 10,
				connectBudgetMs: 300_000
			},
			search: { sessions: 1000, reps: 20, ilikeReps: 5 }
		};

/** The cluster phase's big room: BENCH_CLUSTER_ROOM scales it down on a machine that cannot hold it. */
function clusterRoom(fallback) {
	const n = Number(process.env.BENCH_CLUSTER_ROOM);
	return Number.isInteger(n) && n > 0 ? n : fallback;
}

/** BENCH_PARAMS='{"fanout":{"levels":[1000]}}' overrides parameters (deep merge), for diagnosis. */
function merge(into, over) {
	for (const [k, v] of Object.entries(over ?? {})) {
		if (v && typeof v === 'object' && !Array.isArray(v) && into[k] && typeof into[k] === 'object')
			merge(into[k], v);
		else into[k] = v;
	}
	return into;
}
if (process.env.BENCH_PARAMS) merge(P, JSON.parse(process.env.BENCH_PARAMS));

// ------------------------------------------------------------------------------------------
// build

function newerInput(rel, since) {
	// Generated by the build itself (Paraglide output and its compiler cache) or not bundled.
	if (
		rel === 'src/lib/paraglide' ||
		rel.startsWith('src/lib/paraglide/') ||
		rel.includes('.inlang/cache') ||
		/\.(spec|test)\.[cm]?[jt]s$/.test(rel)
	)
		return null;
	let st;
	try {
		st = statSync(path.join(ROOT, rel));
	} catch {
		return null;
	}
	if (!st.isDirectory()) return st.mtimeMs > since ? rel : null;
	for (const entry of readdirSync(path.join(ROOT, rel))) {
		const found = newerInput(`${rel}/${entry}`, since);
		if (found) return found;
	}
	return null;
}

function staleReason() {
	if (!existsSync(ENTRY)) return `${BUILD_DIR}/server.js is missing`;
	const builtAt = statSync(ENTRY).mtimeMs;
	for (const input of BUILD_INPUTS) {
		const found = newerInput(input, builtAt);
		if (found) return `${found} changed since the bench build`;
	}
	return null;
}

function ensureBuild() {
	const reason = staleReason();
	if (!reason) return { built: false, ms: 0 };
	if (flag('--no-build') && existsSync(ENTRY)) {
		console.error(`[bench] ${reason}; --no-build: using the build as it is`);
		return { built: false, ms: 0, stale: reason };
	}
	console.error(`[bench] ${reason}: building a private copy in ${BUILD_DIR} …`);
	const t0 = performance.now();
	mkdirSync(OUT, { recursive: true });
	// tsconfig.json extends .svelte-kit/tsconfig.json, which only `svelte-kit sync` writes (a fresh
	// clone has none until `npm run check` or `npm run build` without YISHI_KIT_DIR has run).
	if (!existsSync(path.join(ROOT, '.svelte-kit/tsconfig.json'))) {
		const sync = spawnSync('npx', ['svelte-kit', 'sync'], { cwd: ROOT, encoding: 'utf8' });
		if (sync.status !== 0) throw new Error(`svelte-kit sync failed: ${sync.stderr}`);
	}
	// Others build in this tree too and share src/lib/paraglide: a build that races one of
	// theirs can fail on a half-written file, so it is tried twice.
	for (let attemptNo = 1; ; attemptNo++) {
		const res = spawnSync('npm', ['run', 'build'], {
			cwd: ROOT,
			env: { ...process.env, YISHI_BUILD_DIR: BUILD_DIR, YISHI_KIT_DIR: KIT_DIR },
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024
		});
		// The client's Vite manifest (static imports per chunk) is kept for the page-weight figure.
		const manifest = path.join(ROOT, KIT_DIR, 'output/client/.vite/manifest.json');
		if (res.status === 0 && existsSync(manifest))
			copyFileSync(manifest, path.join(ROOT, BUILD_DIR, 'bench-vite-manifest.json'));
		rmSync(path.join(ROOT, KIT_DIR), { recursive: true, force: true });
		writeFileSync(path.join(OUT, 'build.log'), `${res.stdout}\n${res.stderr}`);
		if (res.status === 0) return { built: true, ms: Math.round(performance.now() - t0) };
		if (attemptNo < 2) {
			console.error(`[bench] the build failed (exit ${res.status}); retrying once in 5 s`);
			spawnSync('sleep', ['5']);
			continue;
		}
		if (existsSync(ENTRY)) {
			console.error(
				`[bench] the build failed again (see ${path.join(OUT, 'build.log')}); using the previous bench build`
			);
			return { built: false, ms: 0, stale: reason, buildFailed: true };
		}
		console.error(`${res.stdout}\n${res.stderr}`.split('\n').slice(-40).join('\n'));
		throw new Error(
			`the bench build failed (exit ${res.status}); see ${path.join(OUT, 'build.log')}`
		);
	}
}

// ------------------------------------------------------------------------------------------
// processes

/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();
process.on('exit', () => {
	for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM']) {
	process.on(sig, () => {
		for (const c of children) c.kill('SIGKILL');
		process.exit(130);
	});
}

const baselines = new Map();

async function startBaseline({ kind, tag }) {
	const child = spawn(
		process.execPath,
		[path.join(ROOT, 'tests/bench/baseline-server.js'), kind, tag],
		{
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'inherit']
		}
	);
	children.add(child);
	child.once('exit', () => children.delete(child));
	const port = await new Promise((resolve, reject) => {
		let buf = '';
		child.stdout.on('data', (d) => {
			buf += d;
			const line = buf.split('\n')[0];
			if (buf.includes('\n')) {
				try {
					resolve(JSON.parse(line).port);
				} catch (e) {
					reject(e);
				}
			}
		});
		child.once('exit', (code) => reject(new Error(`baseline ${kind} exited ${code}`)));
	});
	baselines.set(child.pid, child);
	return { wsBase: `ws://127.0.0.1:${port}`, pid: child.pid };
}

async function stopBaseline({ pid }) {
	const child = baselines.get(pid);
	if (!child) return;
	baselines.delete(pid);
	const done = new Promise((r) => child.once('exit', r));
	child.kill('SIGTERM');
	await done;
}

/**
 * Forks a driver for one scenario and serves its calls. `servers` maps a key to a server
 * handle (its probe is `probe:<key>`).
 */
/**
 * A redis-server of the bench's own on a random port, without persistence (never the machine's
 * 6379); null when there is no binary.
 */
async function startRedis() {
	const bin = process.env.REDIS_SERVER || 'redis-server';
	if (spawnSync(bin, ['--version']).status !== 0) return null;
	const port = await freePort();
	const child = spawn(
		bin,
		['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
		{
			stdio: ['ignore', 'pipe', 'pipe']
		}
	);
	children.add(child);
	child.once('exit', () => children.delete(child));
	await new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
		child.stdout.on('data', (chunk) => {
			if (/Ready to accept connections/i.test(chunk.toString())) {
				clearTimeout(timer);
				resolve();
			}
		});
		child.once('exit', (code) => reject(new Error(`redis-server exited ${code}`)));
	});
	return {
		url: `redis://127.0.0.1:${port}`,
		async stop() {
			if (child.exitCode !== null) return;
			const done = new Promise((r) => child.once('exit', r));
			child.kill('SIGKILL');
			await done;
		}
	};
}

/** Load averages seen around each scenario (others share this machine). */
const loadSeen = {};

/**
 * A fixed CPU-bound workload (hashing and JSON), timed: how much CPU this process gets right
 * now. Compared between the start and the end of a run, it tells how busy the machine was.
 */
function calibrate() {
	const payload = {
		participants: Array.from({ length: 500 }, (_, i) => ({
			id: `p${i}`,
			name: `居民${i}`,
			role: 'resident',
			online: i % 2 === 0
		}))
	};
	const t0 = performance.now();
	for (let i = 0; i < 200; i++) {
		const text = JSON.stringify(payload);
		createHash('sha256').update(text).digest('hex');
		JSON.parse(text);
	}
	return Math.round((performance.now() - t0) * 10) / 10;
}

function runScenario(scenario, servers, params, timeoutMs = 10 * 60_000) {
	const t0 = performance.now();
	const loadStart = os.loadavg()[0];
	const done = (v) => {
		loadSeen[scenario + (servers.main?.store === 'postgres' ? ' (postgres)' : '')] = {
			start: Math.round(loadStart * 100) / 100,
			end: Math.round(os.loadavg()[0] * 100) / 100,
			seconds: Math.round((performance.now() - t0) / 100) / 10
		};
		return v;
	};
	return runScenarioInner(scenario, servers, params, timeoutMs).then(done, (e) => {
		done();
		throw e;
	});
}

function runScenarioInner(scenario, servers, params, timeoutMs) {
	const t0 = performance.now();
	console.error(`[bench] ▶ ${scenario}`);
	return new Promise((resolve, reject) => {
		const child = fork(path.join(ROOT, 'tests/bench/driver.js'), [], {
			cwd: ROOT,
			stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
			execArgv: ['--max-old-space-size=4096']
		});
		children.add(child);
		let settled = false;
		const timer = setTimeout(() => {
			if (settled) return;
			settled = true;
			child.kill('SIGKILL');
			reject(new Error(`${scenario}: no result within ${timeoutMs / 1000} s`));
		}, timeoutMs);
		child.on('message', async (msg) => {
			if (msg.type === 'log') console.error(`[${scenario}] ${msg.text}`);
			else if (msg.type === 'call') {
				try {
					let result;
					if (msg.target === 'orch') {
						if (msg.cmd === 'startBaseline') result = await startBaseline(msg.args);
						else if (msg.cmd === 'stopBaseline') result = await stopBaseline(msg.args);
						else throw new Error(`unknown orch command ${msg.cmd}`);
					} else if (msg.target.startsWith('probe:')) {
						const server = servers[msg.target.slice(6)];
						if (!server) throw new Error(`no server ${msg.target}`);
						result = await server.probe(msg.cmd, msg.args);
					} else throw new Error(`unknown target ${msg.target}`);
					// The driver may be gone by then (killed at its time limit): nothing to answer.
					if (child.connected) child.send({ type: 'call-result', id: msg.id, result });
				} catch (error) {
					if (child.connected)
						child.send({ type: 'call-result', id: msg.id, error: String(error?.message ?? error) });
				}
			} else if (msg.type === 'done' || msg.type === 'failed') {
				settled = true;
				clearTimeout(timer);
				const secs = ((performance.now() - t0) / 1000).toFixed(1);
				if (msg.type === 'done') {
					console.error(`[bench] ✓ ${scenario} (${secs} s)`);
					resolve(msg.result);
				} else {
					console.error(`[bench] ✗ ${scenario} (${secs} s)\n${msg.error}`);
					reject(new Error(msg.error));
				}
			}
		});
		child.once('exit', (code) => {
			children.delete(child);
			if (!settled) {
				settled = true;
				clearTimeout(timer);
				reject(new Error(`${scenario}: driver exited with ${code}`));
			}
		});
		const info = Object.fromEntries(Object.entries(servers).map(([k, s]) => [k, s.info()]));
		child.send({
			type: 'run',
			scenario,
			params,
			servers: info,
			quick: QUICK,
			outDir: OUT,
			profile: PROFILE
		});
	});
}

/** Runs `fn`, recording a failure in the report instead of stopping the whole bench. */
async function attempt(report, key, fn) {
	try {
		report[key] = await fn();
	} catch (error) {
		console.error(`[bench] ${key} failed: ${error?.stack ?? error}`);
		report[key] = { error: String(error?.message ?? error).slice(0, 2000) };
	}
}

async function withServer(opts, fn) {
	const server = await startServer({ root: ROOT, entry: ENTRY, ...opts });
	try {
		return await fn(server);
	} finally {
		const warnings = server.warnings();
		await server.stop({ keepStore: Boolean(opts.keepStore) });
		if (warnings > 0) {
			console.error(
				`[bench] server (${opts.store ?? 'pglite'}) logged ${warnings} warn/error lines; last ones:`
			);
			console.error(
				server.lines
					.filter((l) => /"level":(40|50|60)|stderr/.test(l))
					.slice(-5)
					.join('\n')
			);
		}
	}
}

// ------------------------------------------------------------------------------------------
// main

async function main() {
	const started = performance.now();
	mkdirSync(OUT, { recursive: true });
	if (PROFILE) mkdirSync(path.join(OUT, 'profiles'), { recursive: true });
	const build = ensureBuild();
	const calibrationStartMs = calibrate();
	const hasPg = await postgresAvailable();
	const report = {
		meta: {
			date: new Date().toISOString(),
			mode: QUICK ? 'quick' : 'full',
			node: process.version,
			cpus: os.cpus().length,
			cpuModel: os.cpus()[0]?.model,
			memGb: Math.round(os.totalmem() / 2 ** 30),
			loadAvgAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
			commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], {
				cwd: ROOT,
				encoding: 'utf8'
			}).stdout.trim(),
			dirty:
				spawnSync('git', ['status', '--porcelain', '--', 'src'], {
					cwd: ROOT,
					encoding: 'utf8'
				}).stdout.trim().length > 0,
			build,
			calibrationStartMs,
			postgres: hasPg,
			params: P
		}
	};

	// Cold start: a fresh PGlite directory (initdb + migrations), a restart on it, Postgres. The
	// initialised directory then serves as the template every later PGlite server starts from.
	const templateDir = path.join(os.tmpdir(), `yishi-bench-template-${process.pid}`);
	rmSync(templateDir, { recursive: true, force: true });
	await attempt(report, 'coldStart', async () => {
		const cold = {};
		await withServer({ dataDir: templateDir, keepStore: true }, async (server) => {
			cold.freshMs = Math.round(server.coldStartMs);
			cold.freshMem = await server.probe('mem');
			if (!QUICK) {
				await sleep(1000);
				cold.freshMemAfterGc = await server.probe('mem', { gc: true });
			}
		});
		if (QUICK) return cold;
		await withServer({ dataDir: templateDir, keepStore: true }, async (server) => {
			cold.restartMs = Math.round(server.coldStartMs);
			cold.restartMem = await server.probe('mem', { gc: true });
		});
		if (hasPg) {
			await withServer({ store: 'postgres' }, async (server) => {
				cold.postgresMs = Math.round(server.coldStartMs);
				cold.postgresMem = await server.probe('mem', { gc: true });
			});
		}
		return cold;
	});
	const pglite = existsSync(templateDir) ? { templateDir } : {};

	// `app` is five parts that `--only` can also name one by one: pages, slow4g, join, editing, yjs.
	const APP_PARTS = ['pages', 'slow4g', 'join', 'editing', 'yjs'];
	const wantPart = (part) => want('app') || ONLY.includes(part);
	if (APP_PARTS.some(wantPart)) {
		await attempt(report, 'app', async () => {
			const app = {};
			await withServer(pglite, async (server) => {
				const servers = { main: server };
				if (P.pages && wantPart('pages'))
					await attemptInto(app, 'pageWeight', () => runScenario('pageweight', servers, P.pages));
				if (wantPart('slow4g'))
					await attemptInto(app, 'slow4g', () => runScenario('slow4g', servers, P.slow4g ?? {}));
				if (wantPart('join'))
					await attemptInto(app, 'join', () => runScenario('join', servers, P.join));
				if (wantPart('editing'))
					await attemptInto(app, 'editing', () => runScenario('editing', servers, P.editing));
				if (wantPart('yjs'))
					await attemptInto(app, 'yjs', () => runScenario('yjs-persist', servers, P.yjs));
			});
			return app;
		});
	}

	if (want('fanout')) {
		await attempt(report, 'fanout', () =>
			withServer(pglite, (server) => runScenario('fanout', { main: server }, P.fanout, 12 * 60_000))
		);
	}

	if (want('acks')) {
		await attempt(report, 'acks', async () => {
			const acks = {};
			await attemptInto(acks, 'pglite', () =>
				withServer(pglite, (server) => runScenario('acks', { main: server }, P.acks))
			);
			if (hasPg) {
				await attemptInto(acks, 'postgres', () =>
					withServer({ store: 'postgres' }, (server) =>
						runScenario('acks', { main: server }, P.acks)
					)
				);
			} else acks.postgres = { error: 'no Postgres answered at BENCH_PG_URL' };
			return acks;
		});
	}

	// Rooms, then churn, on one server: churn drift is relative to its own warm-up.
	if (want('rooms') || want('churn')) {
		await withServer(pglite, async (server) => {
			if (want('rooms'))
				await attempt(report, 'rooms', () => runScenario('rooms', { main: server }, P.rooms));
			if (want('churn'))
				await attempt(report, 'churn', () => runScenario('churn', { main: server }, P.churn));
		}).catch((error) => {
			report.rooms ??= { error: String(error?.message ?? error) };
		});
		// The same churn on Postgres (no WASM heap in the process): BENCH_PARAMS='{"churn":{"postgres":true}}'.
		if (want('churn') && P.churn.postgres && hasPg) {
			await attempt(report, 'churnPostgres', () =>
				withServer({ store: 'postgres' }, (server) =>
					runScenario('churn', { main: server }, P.churn)
				)
			);
		}
	}
	// Search over an archive, on each store (a fresh one each: the archive is seeded into it).
	if (want('search')) {
		await attempt(report, 'search', async () => {
			const search = {};
			await attemptInto(search, 'pglite', () =>
				withServer(pglite, (server) =>
					runScenario('search', { main: server }, P.search, 25 * 60_000)
				)
			);
			if (hasPg) {
				await attemptInto(search, 'postgres', () =>
					withServer({ store: 'postgres' }, (server) =>
						runScenario('search', { main: server }, P.search, 25 * 60_000)
					)
				);
			} else search.postgres = { error: 'no Postgres answered at BENCH_PG_URL' };
			return search;
		});
	}
	rmSync(templateDir, { recursive: true, force: true });

	if (want('cluster')) await attempt(report, 'cluster', () => runCluster(hasPg));

	report.meta.durationS = Math.round((performance.now() - started) / 1000);
	report.meta.loadAvgAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
	report.meta.calibrationEndMs = calibrate();
	report.meta.loadByScenario = loadSeen;
	report.targets = evaluateTargets(report);
	writeFileSync(path.join(OUT, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
	const md = renderMarkdown(report);
	writeFileSync(path.join(OUT, 'report.md'), md);
	console.error(
		`[bench] wrote ${path.relative(ROOT, OUT)}/report.md and report.json in ${report.meta.durationS} s`
	);
	console.log(md.split('\n## ')[0] + '\n## ' + md.split('\n## ')[1]);
}

/** A lone node and two nodes sharing Postgres and Redis, all up at once; see scenarios/cluster.js. */
async function runCluster(hasPg) {
	if (!hasPg) return { skipped: 'no Postgres answered at BENCH_PG_URL' };
	const redis = await startRedis();
	if (!redis) return { skipped: 'no redis-server binary (apt-get install -y redis-server)' };
	const shared = await createPgDatabase();
	const node = { store: 'postgres', databaseUrl: shared.url, env: { REDIS_URL: redis.url } };
	try {
		return await withServer({ store: 'postgres' }, (single) =>
			withServer(node, (a) =>
				withServer(node, (b) => runScenario('cluster', { single, a, b }, P.cluster, 30 * 60_000))
			)
		);
	} finally {
		await redis.stop();
		await shared.drop();
	}
}

async function attemptInto(target, key, fn) {
	return attempt(target, key, fn);
}

main().catch((error) => {
	console.error(`[bench] ${error?.stack ?? error}`);
	process.exit(1);
});
