/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Diagnosis: how long a voter waits for a refusal while Postgres is gone, and how soon casts
 * are accepted again once it is back (the speed side of tests/integration/postgres-outage.test.ts,
 * which asserts only correctness). One production server reaches Postgres through a TCP gate;
 * `voters` phones join and open a socket; the gate is cut (connections destroyed, new ones
 * refused — or, with mode `silent`, accepted and never answered, as a host that drops packets);
 * for `seconds` every voter casts, and casts again 250 ms after each refusal, as a phone whose
 * user taps again; then the gate opens and each voter casts until accepted.
 *   node tests/bench/diag/outage.js [voters=50] [seconds=20] [mode=refuse|silent] [entry=build/server.js]
 * Prints one JSON line: refusal times during the outage (ms), healthz recovery, first casts after
 * restore (accepted / refused) and how long the last voter waited for acceptance.
 * Needs Postgres at BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { admin, openVote, sessionWithInvite } from '../lib/http.js';
import { connectMany, joinMany } from '../lib/room.js';
import { createPgDatabase, startServer } from '../lib/server.js';
import { sleep, summarize } from '../lib/stats.js';

const voters = Number(process.argv[2] ?? 50);
const seconds = Number(process.argv[3] ?? 20);
const mode = process.argv[4] ?? 'refuse';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = path.resolve(ROOT, process.argv[5] ?? 'build/server.js');

/** The gate of the integration test, with a second way to be down. */
function gate(target) {
	const sockets = new Set();
	let server = null;
	let down = false;
	let port = 0;
	const track = (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
		s.on('error', () => s.destroy());
	};
	return {
		get port() {
			return port;
		},
		async open() {
			down = false;
			if (server) return;
			server = net.createServer((client) => {
				track(client);
				if (down) return; // silent: accepted, never answered
				const upstream = net.connect(target.port, target.host);
				track(upstream);
				upstream.on('close', () => client.destroy());
				client.on('close', () => upstream.destroy());
				client.pipe(upstream);
				upstream.pipe(client);
			});
			await new Promise((r) => server.listen(port, '127.0.0.1', r));
			port = server.address().port;
		},
		async cut() {
			down = true;
			for (const s of sockets) s.destroy();
			if (mode === 'silent') return;
			const s = server;
			server = null;
			await new Promise((r) => s.close(() => r()));
		}
	};
}

const db = await createPgDatabase('yishi_diag_outage');
const target = new URL(db.url);
const g = gate({ host: target.hostname, port: Number(target.port || 5432) });
await g.open();
const gated = new URL(db.url);
gated.hostname = '127.0.0.1';
gated.port = String(g.port);
const server = await startServer({ root: ROOT, entry: ENTRY, store: 'postgres', databaseUrl: gated.toString() });
const health = async () => {
	try {
		const res = await fetch(`${server.base}/healthz`, { signal: AbortSignal.timeout(20_000) });
		await res.text();
		return res.status;
	} catch {
		return 0;
	}
};
try {
	const moderator = await admin(server);
	const { session, token } = await sessionWithInvite(moderator);
	const { people } = await joinMany(server, token, voters);
	const { sockets } = await connectMany(server, session.id, people, () => {});
	const voteId = await openVote(moderator, session.items[0].id);
	const cast = async (i) => {
		const started = performance.now();
		const answer = await sockets[i].emitAck('ballot:cast', { voteId, choice: 'yes' }, 120_000).catch(() => null);
		return { answer, ms: performance.now() - started };
	};

	await g.cut();
	const cutAt = performance.now();
	const refusals = [];
	const codes = {};
	await Promise.all(
		sockets.map(async (_, i) => {
			while (performance.now() - cutAt < seconds * 1000) {
				const { answer, ms } = await cast(i);
				const code = answer ? (answer.ok ? 'accepted' : answer.error.code) : 'no answer';
				codes[code] = (codes[code] ?? 0) + 1;
				refusals.push(ms);
				await sleep(250);
			}
		})
	);

	await g.open();
	const restoredAt = performance.now();
	while ((await health()) !== 200) await sleep(20);
	const healthyMs = performance.now() - restoredAt;
	const first = { accepted: 0, refused: 0 };
	const firstMs = [];
	const acceptedAfter = [];
	await Promise.all(
		sockets.map(async (_, i) => {
			for (let attempt = 0; ; attempt++) {
				const { answer, ms } = await cast(i);
				if (attempt === 0) {
					firstMs.push(ms);
					if (answer?.ok) first.accepted++;
					else first.refused++;
				}
				if (answer?.ok || answer?.error?.code === 'already_voted') break;
				await sleep(250);
			}
			acceptedAfter.push(performance.now() - restoredAt);
		})
	);
	const r = (x) => Math.round(x);
	console.log(
		JSON.stringify({
			entry: path.relative(ROOT, ENTRY),
			mode,
			voters: sockets.length,
			outageSeconds: seconds,
			outageAnswers: codes,
			refusalMs: { ...summarize(refusals), max: r(Math.max(...refusals)) },
			healthz200AfterRestoreMs: r(healthyMs),
			firstCastAfterHealthy: { ...first, maxMs: r(Math.max(...firstMs)) },
			everyVoterAcceptedAfterRestoreMs: r(Math.max(...acceptedAfter))
		})
	);
	for (const s of sockets) s.close();
} finally {
	await server.stop();
	await g.cut();
	await db.drop();
}
process.exit(0);
