/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (6) Churn drift: `connected` of `pool` members are in the room at any time; every 100 ms
 * `perSecond/10` of them drop (like WeChat freezing a tab) and as many others come back
 * (socket.io + `session:join` + the proposal's Yjs connection). Memory is sampled through the
 * run (see `sample`); drift = the run's growth from a line fitted through its samples.
 */
import { admin, sessionWithInvite } from '../lib/http.js';
import { joinMany } from '../lib/room.js';
import { RawSio } from '../lib/sio-raw.js';
import { pool as inPool, round, sleep, summarize } from '../lib/stats.js';
import { slope } from '../lib/mem.js';
import { PassiveDoc } from '../lib/yjs.js';

export async function run(ctx) {
	const { pool, connected, perSecond, warmupS, seconds } = ctx.params;
	const server = ctx.servers.main;
	const probe = (cmd, args) => ctx.call('probe:main', cmd, args);
	const adminApi = await admin(server);
	const { session, token } = await sessionWithInvite(adminApi, { title: '断线重连（基准）' });
	const docName = session.items[0].docName;
	const joined = await joinMany(server, token, pool, { prefix: '访客' });
	const people = joined.people.map((p, i) => ({ ...p, i, sock: null, doc: null }));
	const joinAcks = [];
	const errors = {};
	const fail = (e) => (errors[String(e?.message ?? e).slice(0, 60)] = (errors[String(e?.message ?? e).slice(0, 60)] ?? 0) + 1);

	const up = async (p) => {
		p.sock = new RawSio(server.wsBase, { Cookie: p.cookie, Origin: server.origin });
		await p.sock.connect();
		const s = performance.now();
		const ack = await p.sock.emitAck('session:join', { sessionId: session.id, presence: 'delta' }, 60_000);
		if (!ack?.ok) throw new Error(`session:join ${ack?.error?.code}`);
		joinAcks.push(performance.now() - s);
		p.doc = await new PassiveDoc(server, p.cookie, docName, `访客${p.i}`).open();
	};
	const down = (p) => {
		p.sock?.terminate();
		p.doc?.ws?.terminate();
		p.doc?.close();
		p.sock = null;
		p.doc = null;
	};
	const online = new Set(people.slice(0, connected));
	const offline = new Set(people.slice(connected));
	await inPool([...online], 20, up);

	let cycles = 0;
	let running = true;
	/** Set by the sampler: the loop finishes its batch, then waits (resolving `idle`) until cleared. */
	let pause = null;
	const perTick = Math.max(1, Math.round(perSecond / 10));
	const loop = (async () => {
		while (running) {
			if (pause) {
				pause.idle();
				await pause.resumed;
				continue;
			}
			const t = performance.now();
			const leaving = [...online].sort(() => Math.random() - 0.5).slice(0, perTick);
			const coming = [...offline].sort(() => Math.random() - 0.5).slice(0, perTick);
			for (const p of leaving) {
				online.delete(p);
				down(p);
				offline.add(p);
			}
			for (const p of coming) {
				offline.delete(p);
				online.add(p);
			}
			await Promise.all(coming.map((p) => up(p).then(() => cycles++, fail)));
			await sleep(Math.max(0, 100 - (performance.now() - t)));
		}
	})();

	// Memory through the whole run, warm-up included, every `sampleS` seconds. Each sample is
	// taken with the churn paused (the batch in flight done, 300 ms for the server to finish the
	// disconnects), after gc and 500 ms for V8 to hand the freed pages back: RSS read straight
	// after gc still counts pages V8 is about to release, ±30 MB from one read to the next, and
	// the heap then holds whatever joins are in flight (±7 MB). Paused time is not churn time.
	const sampleS = ctx.params.sampleS ?? 5;
	let churnMs = 0;
	let resumedAt = performance.now();
	const samples = [];
	/** Runs `fn` with the churn stopped: the batch in flight done, then 300 ms of quiet. */
	const paused = async (fn) => {
		let idle;
		let resume;
		const idleP = new Promise((r) => (idle = r));
		pause = { idle, resumed: new Promise((r) => (resume = r)) };
		await idleP;
		churnMs += performance.now() - resumedAt;
		await sleep(300);
		try {
			return await fn();
		} finally {
			pause = null;
			resume();
			resumedAt = performance.now();
		}
	};
	const sample = () =>
		paused(async () => {
			const m = await probe('mem', { gc: true, detail: true, settleMs: 500 });
			samples.push({ t: round(churnMs / 1000, 1), cycles, ...m });
		});
	const churnFor = async (ms) => {
		const until = churnMs + ms;
		for (;;) {
			const left = until - (churnMs + (performance.now() - resumedAt));
			if (left <= 0) return;
			await sleep(Math.min(left, sampleS * 1000));
			await sample();
		}
	};
	await sample();
	await churnFor(warmupS * 1000);
	const start = samples.at(-1);
	// Diagnosis: BENCH_PARAMS='{"churn":{"heapSnapshots":true}}' writes churn-start/-end.heapsnapshot.
	const snapshot = (name) =>
		ctx.params.heapSnapshots &&
		paused(() => probe('heapSnapshot', { file: `${ctx.outDir}/churn-${name}-${server.store}.heapsnapshot` }));
	await snapshot('start');
	const docsAtStart = await probe('docStats');
	const fromSample = samples.length - 1;
	const cyclesAtStart = cycles;
	const churnMsAtStart = churnMs;
	await probe('lagReset');
	await churnFor(seconds * 1000);
	const end = samples.at(-1);
	const lag = await probe('lag');
	await snapshot('end');
	const docsAtEnd = await probe('docStats');
	running = false;
	await loop;
	for (const p of people) down(p);
	const run = samples.slice(fromSample);
	const runS = (churnMs - churnMsAtStart) / 1000;
	const rss = drift(run, (x) => x.vmRssKb);
	const heap = drift(run, (x) => x.heapUsed);
	const result = {
		pool,
		connected,
		perSecond,
		warmupS,
		seconds,
		sampleS,
		cycles: cycles - cyclesAtStart,
		achievedPerSecond: round((cycles - cyclesAtStart) / runS, 1),
		joinAck: summarize(joinAcks),
		errors,
		start,
		end,
		// The figure judged: RSS growth over the run from a least-squares line through all its
		// samples, relative to the line's start (steadier than two points). Beside it the same at
		// the second half's rate (`steady`: a plateau flattens, a leak keeps its slope), the two
		// end samples, and the largest step between two samples (a malloc arena growing once).
		rssDriftPct: rss.pct,
		heapDriftPct: heap.pct,
		rssSteadyPct: rss.steadyPct,
		heapSteadyPct: heap.steadyPct,
		rssTwoPointPct: round(((end.vmRssKb - start.vmRssKb) / start.vmRssKb) * 100, 2),
		heapTwoPointPct: round(((end.heapUsed - start.heapUsed) / start.heapUsed) * 100, 2),
		// Plateau or leak: the slope in each half of the run (a leak keeps its slope; a warm-up
		// that is still settling has a steeper first half), and bytes per reconnect.
		rssSlopeKbPerMin: { firstHalf: rss.firstHalf, secondHalf: rss.secondHalf, all: rss.perMin },
		rssLargestStep: largestStep(run),
		rssBytesPerReconnect: round((slope(run, (x) => x.cycles, (x) => x.vmRssKb) ?? 0) * 1024, 0),
		heapBytesPerReconnect: round(slope(run, (x) => x.cycles, (x) => x.heapUsed) ?? 0, 0),
		// Yjs doc server: connections, and awareness clients remembered (present or just departed).
		docStats: { start: docsAtStart, end: docsAtEnd },
		wasm: { startKb: start.wasmKb, endKb: end.wasmKb, residentStartKb: start.rssKbBy.wasm, residentEndKb: end.rssKbBy.wasm },
		lag,
		samples: samples.map((x) => ({
			t: x.t,
			cycles: x.cycles,
			vmRssKb: x.vmRssKb,
			heapUsed: x.heapUsed,
			heapTotal: x.heapTotal,
			external: x.external,
			arrayBuffers: x.arrayBuffers,
			wasmKb: x.wasmKb,
			rssKbBy: x.rssKbBy,
			heapSpacesKb: x.heapSpacesKb
		}))
	};
	ctx.log(
		`  churn: ${result.cycles} reconnects (${result.achievedPerSecond}/s); RSS drift ${result.rssDriftPct} % (second-half rate ${result.rssSteadyPct} %, two-point ${result.rssTwoPointPct} %; ${result.rssBytesPerReconnect} B/reconnect), heap drift ${result.heapDriftPct} %; WASM ${start.wasmKb} → ${end.wasmKb} KB`
	);
	return result;
}

/** The largest rise of RSS between two consecutive samples, and where it went (smaps). */
function largestStep(points) {
	let best = null;
	for (let i = 1; i < points.length; i++) {
		const [a, b] = [points[i - 1], points[i]];
		const kb = b.vmRssKb - a.vmRssKb;
		if (!best || kb > best.kb) {
			best = { kb, t: b.t, cycles: b.cycles, brkHeapKb: b.rssKbBy.brkHeap - a.rssKbBy.brkHeap, anonOtherKb: b.rssKbBy.anonOther - a.rssKbBy.anonOther };
		}
	}
	return best;
}

/**
 * `pct`: growth over the samples' span of a line fitted through all of them, in % of the line's
 * start. `steadyPct`: the same from the line through the second half only (its slope times the
 * whole span, in % of its value at the middle): the drift once warm-up is over. Slopes per minute.
 */
function drift(points, y) {
	const t = (p) => p.t;
	const line = (ps) => {
		const k = slope(ps, t, y);
		if (k === null) return null;
		const mt = ps.reduce((s, p) => s + p.t, 0) / ps.length;
		const my = ps.reduce((s, p) => s + y(p), 0) / ps.length;
		return { k, at: (x) => my + k * (x - mt) };
	};
	const all = line(points);
	if (!all) return { pct: null, steadyPct: null, perMin: null, firstHalf: null, secondHalf: null };
	const mid = Math.floor(points.length / 2);
	const first = line(points.slice(0, mid + 1));
	const second = line(points.slice(mid));
	const t0 = points[0].t;
	const span = points.at(-1).t - t0;
	const perMin = (l) => (l ? round(l.k * 60, 0) : null);
	return {
		pct: round(((all.k * span) / all.at(t0)) * 100, 2),
		steadyPct: second ? round(((second.k * span) / second.at(points[mid].t)) * 100, 2) : null,
		perMin: perMin(all),
		firstHalf: perMin(first),
		secondHalf: perMin(second)
	};
}
