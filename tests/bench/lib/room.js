/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Filling a room: participants join by invite over HTTP, then connect socket.io and send
 * `session:join`, as phones do. Shared by the scenarios that need a crowd.
 */
import { join } from './http.js';
import { RawSio } from './sio-raw.js';
import { pool, sleep, summarize } from './stats.js';

/** Joins `count` participants by invite (HTTP), `concurrency` at a time; answers them + rate. */
export async function joinMany(server, token, count, { concurrency = 8, prefix = '居民', offset = 0, deadline = Infinity } = {}) {
	const t0 = performance.now();
	const times = [];
	const all = await pool(
		Array.from({ length: count }, (_, i) => i + offset),
		concurrency,
		async (i) => {
			if (performance.now() > deadline) return null;
			const s = performance.now();
			const p = await join(server, token, `${prefix}${i + 1}`);
			times.push(performance.now() - s);
			return p;
		}
	);
	const ms = performance.now() - t0;
	const people = all.filter(Boolean);
	return { people, ms, perSecond: people.length / (ms / 1000), latency: summarize(times), aborted: people.length < count };
}

/**
 * Connects one RawSio per person and joins the session room; `onEvent(person, raw, at)` sees
 * every event frame. Answers the sockets (in order) and the session:join ack latencies.
 */
export async function connectMany(server, sessionId, people, onEvent, { concurrency = 50, deadline = Infinity } = {}) {
	const t0 = performance.now();
	const joinAcks = [];
	let aborted = false;
	let failures = 0;
	const errors = {};
	const sockets = await pool(people, concurrency, async (person) => {
		// An overloaded server (or client) may drop a socket mid-join; a phone reconnects.
		for (let attempt = 1; attempt <= 3; attempt++) {
			if (aborted || performance.now() > deadline) {
				aborted = true;
				return null;
			}
			const sock = new RawSio(server.wsBase, { Cookie: person.cookie, Origin: server.origin }, (raw, at) =>
				onEvent(person, raw, at)
			);
			person.socket = sock;
			try {
				await sock.connect();
				const s = performance.now();
				const ack = await sock.emitAck('session:join', { sessionId, presence: 'delta' }, 120_000);
				if (!ack?.ok) throw new Error(`session:join refused: ${JSON.stringify(ack).slice(0, 200)}`);
				joinAcks.push(performance.now() - s);
				return sock;
			} catch (error) {
				failures++;
				const key = String(error?.message ?? error).slice(0, 60);
				errors[key] = (errors[key] ?? 0) + 1;
				sock.terminate();
				person.socket = null;
			}
		}
		return null;
	});
	return {
		sockets: sockets.filter(Boolean),
		failures,
		errors,
		aborted,
		ms: performance.now() - t0,
		joinAck: summarize(joinAcks),
		joinAckRaw: joinAcks
	};
}

/** Waits until `lastAt()` (performance.now() of the last frame of some kind) is `quietMs` old. */
export async function waitQuiet(lastAt, quietMs = 700, maxMs = 60_000) {
	const t0 = performance.now();
	for (;;) {
		const now = performance.now();
		if (now - lastAt() >= quietMs) return now - t0;
		if (now - t0 > maxMs) return null;
		await sleep(50);
	}
}

/** Probe helpers: CPU profile a phase when `--profile` was given. */
export async function profiled(ctx, key, name, fn) {
	if (!ctx.profile) return { value: await fn(), profile: null };
	await ctx.call(`probe:${key}`, 'cpuStart', { intervalUs: 250 });
	let value;
	let profile = null;
	try {
		value = await fn();
	} finally {
		profile = await ctx.call(`probe:${key}`, 'cpuStop', {
			file: `${ctx.outDir}/profiles/${name}.cpuprofile`,
			top: 20
		});
	}
	return { value, profile };
}
