/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Server-side probe for `npm run bench`, loaded into the production server with
 * `node --expose-gc --import ./tests/bench/probe.js <build>/server.js`. The product is not
 * changed: the probe only answers the bench over the IPC channel that bench.js opens:
 *   lagReset / lag        event-loop delay (perf_hooks.monitorEventLoopDelay, 1 ms resolution)
 *   mem {gc, detail, settleMs}  VmRSS/VmHWM from /proc/self/status, process.memoryUsage(), after
 *                         gc() (and settleMs for V8 to hand the freed pages back);
 *                         with PGlite, its WASM memory size (wasmKb); with `detail`, RSS split by
 *                         mapping (/proc/self/smaps): the WASM memory's resident pages, malloc's
 *                         brk heap, other anonymous memory (V8 heap, mmap'd malloc arenas), files
 *   cpuStart / cpuStop    V8 CPU profile of a phase (node:inspector), saved as .cpuprofile,
 *                         answered with the top functions by self and total time
 *   sql {text, params}    a read-only query on the app's own store (row counts of doc tables)
 *   docStats              the Yjs doc server's {docs, connections}
 *   sqlTrace {on}         PGlite only: counts and times every statement from on to off,
 *                         answered (at off) by statement text, most total time first
 * Without an IPC channel (a plain `node server.js`) it does nothing but keep the histogram.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();

/** @type {Session | null} */
let session = null;

const post = (method, params) =>
	new Promise((resolve, reject) =>
		session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result)))
	);

function lag() {
	const ms = (ns) => Math.round((ns / 1e6) * 1000) / 1000;
	return {
		p50: ms(histogram.percentile(50)),
		p99: ms(histogram.percentile(99)),
		max: ms(histogram.max),
		mean: ms(histogram.mean),
		count: histogram.count
	};
}

function status() {
	const text = readFileSync('/proc/self/status', 'utf8');
	const kb = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
	return { vmRssKb: kb('VmRSS'), vmHwmKb: kb('VmHWM') };
}

/** PGlite's Emscripten module: its WASM linear memory (grows, never shrinks). */
async function pgliteWasmBytes() {
	const started = globalThis[Symbol.for('yishi.app')];
	if (!started) return null;
	const client = (await started).store?.db?.$client;
	return client?.mod?.HEAPU8?.buffer?.byteLength ?? null;
}

/**
 * Resident KB per kind of mapping. The WASM memory is the anonymous mapping whose size is the
 * module's byteLength (V8 reserves it with a guard region of several GB right after it).
 */
function smaps(wasmBytes) {
	const text = readFileSync('/proc/self/smaps', 'utf8');
	const wasmKb = wasmBytes === null ? -1 : wasmBytes / 1024;
	const out = { wasm: 0, brkHeap: 0, anonOther: 0, file: 0 };
	let kind = null;
	for (const line of text.split('\n')) {
		const head = /^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
		if (head) {
			const sizeKb = (parseInt(head[2], 16) - parseInt(head[1], 16)) / 1024;
			const name = head[3];
			kind =
				name === '[heap]'
					? 'brkHeap'
					: name.startsWith('/')
						? 'file'
						: !name && sizeKb === wasmKb
							? 'wasm'
							: 'anonOther';
			continue;
		}
		const rss = /^Rss:\s+(\d+) kB/.exec(line);
		if (rss && kind) out[kind] += Number(rss[1]);
	}
	return out;
}

async function mem(gc, detail, settleMs = 0) {
	if (gc && typeof globalThis.gc === 'function') {
		globalThis.gc();
		globalThis.gc();
	}
	// V8 hands the pages a gc freed back to the OS from a background thread, a little later.
	if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
	const wasmBytes = await pgliteWasmBytes();
	const m = process.memoryUsage();
	return {
		...status(),
		rss: m.rss,
		heapUsed: m.heapUsed,
		heapTotal: m.heapTotal,
		external: m.external,
		arrayBuffers: m.arrayBuffers,
		wasmKb: wasmBytes === null ? null : wasmBytes / 1024,
		...(detail
			? {
					rssKbBy: smaps(wasmBytes),
					heapSpacesKb: Object.fromEntries(
						v8
							.getHeapSpaceStatistics()
							.map((x) => [x.space_name, { used: Math.round(x.space_used_size / 1024), size: Math.round(x.space_size / 1024) }])
					)
				}
			: {})
	};
}

/**
 * Self and total time per function (ms) of a V8 CPU profile, the top `n` of each, plus the total
 * time of the product's own functions (the server bundle, not node_modules). Samples taken inside
 * this probe (starting the profiler) are left out.
 */
export function summarizeProfile(profile, n = 25) {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const self = new Map();
	const { samples = [], timeDeltas = [] } = profile;
	for (let i = 0; i < samples.length; i++) {
		self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0) / 1000);
	}
	const key = (node) => {
		const f = node.callFrame;
		const url = f.url.replace(/^file:\/\//, '').replace(/^.*?\/(node_modules|yishi-bench-build)\//, '$1/');
		return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`;
	};
	const isProduct = (node) => {
		const url = node.callFrame.url;
		return url.includes('yishi-bench-build/') && !url.includes('node_modules/', url.indexOf('yishi-bench-build/'));
	};
	const parent = new Map();
	for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
	const selfBy = new Map();
	const totalBy = new Map();
	const productBy = new Map();
	let totalMs = 0;
	for (const [id, ms] of self) {
		const stack = [];
		for (let cur = id; cur !== undefined; cur = parent.get(cur)) stack.push(byId.get(cur));
		if (stack.some((node) => node.callFrame.url.includes('tests/bench/probe.js'))) continue;
		totalMs += ms;
		selfBy.set(key(stack[0]), (selfBy.get(key(stack[0])) ?? 0) + ms);
		// Once per distinct function on the stack (recursion counted once).
		const seen = new Set();
		for (const node of stack) {
			const k = key(node);
			if (seen.has(k)) continue;
			seen.add(k);
			totalBy.set(k, (totalBy.get(k) ?? 0) + ms);
			if (isProduct(node)) productBy.set(k, (productBy.get(k) ?? 0) + ms);
		}
	}
	const top = (m, count = n) =>
		[...m]
			.sort((a, b) => b[1] - a[1])
			.slice(0, count)
			.map(([fn, ms]) => ({ fn, ms: Math.round(ms * 10) / 10 }));
	return { totalMs: Math.round(totalMs), self: top(selfBy), total: top(totalBy), product: top(productBy, 40) };
}

/** @type {null | { restore: () => void, stats: Map<string, {n: number, ms: number}> }} */
let trace = null;

function sqlTrace(client, on) {
	if (on) {
		if (trace || typeof client.transaction !== 'function' || typeof client.unsafe === 'function')
			return { ok: false };
		const stats = new Map();
		const timed = (target) => {
			const query = target.query;
			target.query = function (text, ...rest) {
				const t0 = performance.now();
				return query.call(this, text, ...rest).finally(() => {
					const key = String(text).replace(/\s+/g, ' ').slice(0, 160);
					const s = stats.get(key) ?? { n: 0, ms: 0 };
					s.n++;
					s.ms += performance.now() - t0;
					stats.set(key, s);
				});
			};
			return () => (target.query = query);
		};
		const restoreQuery = timed(client);
		const transaction = client.transaction;
		client.transaction = function (fn, ...rest) {
			return transaction.call(this, (tx) => (timed(tx), fn(tx)), ...rest);
		};
		trace = {
			stats,
			restore: () => {
				restoreQuery();
				client.transaction = transaction;
			}
		};
		return { ok: true };
	}
	if (!trace) return [];
	trace.restore();
	const rows = [...trace.stats].map(([sql, s]) => ({ sql, n: s.n, ms: Math.round(s.ms * 10) / 10 }));
	trace = null;
	return rows.sort((a, b) => b.ms - a.ms);
}

async function app() {
	const holder = globalThis[Symbol.for('yishi.app')];
	if (!holder) throw new Error('the app has not started');
	return holder;
}

async function handle(cmd, args) {
	switch (cmd) {
		case 'ping':
			return { pid: process.pid };
		case 'lagReset':
			histogram.reset();
			return lag();
		case 'lag':
			return lag();
		case 'mem':
			return mem(Boolean(args?.gc), Boolean(args?.detail), args?.settleMs ?? 0);
		case 'cpuStart':
			if (!session) {
				session = new Session();
				session.connect();
			}
			await post('Profiler.enable');
			await post('Profiler.setSamplingInterval', { interval: args?.intervalUs ?? 200 });
			await post('Profiler.start');
			return { ok: true };
		case 'cpuStop': {
			const { profile } = await post('Profiler.stop');
			await post('Profiler.disable');
			if (args?.file) writeFileSync(args.file, JSON.stringify(profile));
			return summarizeProfile(profile, args?.top ?? 25);
		}
		case 'heapSnapshot':
			return { file: v8.writeHeapSnapshot(args?.file) };
		case 'sql': {
			const client = (await app()).store.db.$client;
			if (typeof client.unsafe === 'function') {
				return [...(await client.unsafe(args.text, args.params ?? []))];
			}
			return (await client.query(args.text, args.params ?? [])).rows;
		}
		case 'sqlTrace':
			return sqlTrace((await app()).store.db.$client, Boolean(args?.on));
		case 'docStats':
			return (await app()).docs.stats();
		default:
			throw new Error(`unknown probe command ${cmd}`);
	}
}

if (process.send) {
	process.on('message', (msg) => {
		if (!msg || msg.type !== 'probe') return;
		handle(msg.cmd, msg.args).then(
			(result) => process.send({ type: 'probe-result', id: msg.id, result }),
			(error) =>
				process.send({ type: 'probe-result', id: msg.id, error: String(error?.stack ?? error) })
		);
	});
	process.channel?.unref?.();
}
