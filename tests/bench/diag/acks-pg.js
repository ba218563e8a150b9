/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Diagnosis: where a ballot's time goes on Postgres. The acks phase in small (V voters, N
 * ballots at R/s over V/5 votes… default 200 voters, 1000 ballots, 200/s, like the bench), while
 * pg_stat_activity is sampled every 5 ms for the server's connections (application_name
 * 'yishi'): how many are active / idle in transaction / idle, and on what they wait. Also
 * prints how many statements and transactions the server sent per ballot (pg_stat_database).
 *   node tests/bench/diag/acks-pg.js [V=200] [N=1000] [R=200]   (needs the bench build)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { startServer } from '../lib/server.js';
import { admin, openVote, sessionWithInvite } from '../lib/http.js';
import { connectMany, joinMany, waitQuiet } from '../lib/room.js';
import { sleep, summarize } from '../lib/stats.js';

const V = Number(process.argv[2] ?? 200);
const N = Number(process.argv[3] ?? 1000);
const R = Number(process.argv[4] ?? 200);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = path.join(ROOT, 'node_modules/.cache/yishi-bench-build/server.js');
const s = await startServer({ root: ROOT, entry: ENTRY, store: 'postgres' });
const server = s.info();
const pg = postgres(process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres', {
	max: 1,
	onnotice: () => {}
});
const a = await admin(server);
const { session, token } = await sessionWithInvite(a);
const j = await joinMany(server, token, V);
let last = 0;
const conn = await connectMany(server, session.id, j.people, (_p, _r, at) => (last = at));
await waitQuiet(() => last, 700);
const votes = [];
for (let v = 0; v < Math.ceil(N / V); v++) votes.push(await openVote(a, session.items[0].id, `诊断 ${v + 1}`));
await sleep(1500);

const xacts = async () =>
	(
		await pg`select sum(xact_commit + xact_rollback)::int as x, sum(tup_inserted)::int as ins
		         from pg_stat_database where datname like 'yishi_bench_%'`
	)[0];
await sleep(1100); // let the stats of the setup be flushed
const x0 = await xacts();
const waits = new Map();
let samples = 0;
let sampling = true;
const sampler = (async () => {
	while (sampling) {
		const rows = await pg`
			select state, coalesce(wait_event_type || '/' || wait_event, 'on CPU') as w, count(*)::int as n
			from pg_stat_activity where application_name = 'yishi' and state <> 'idle' group by 1, 2`;
		samples++;
		for (const r of rows) waits.set(`${r.state}: ${r.w}`, (waits.get(`${r.state}: ${r.w}`) ?? 0) + r.n);
		await sleep(5);
	}
})();
await s.probe('lagReset');
const acks = [];
const errors = {};
const sends = [];
const t0 = performance.now();
for (let i = 0; i < N; i++) {
	const w = t0 + (i * 1000) / R - performance.now();
	if (w > 0) await sleep(w);
	const st = performance.now();
	sends.push(
		conn.sockets[i % V].emitAck('ballot:cast', { voteId: votes[Math.floor(i / V)], choice: 'yes' }).then((answer) => {
			if (answer?.ok) acks.push(performance.now() - st);
			else errors[answer?.error?.code] = (errors[answer?.error?.code] ?? 0) + 1;
		})
	);
}
await Promise.all(sends);
sampling = false;
await sampler;
const lag = await s.probe('lag');
await sleep(1100);
const x1 = await xacts();
console.log(`postgres: ${N} ballots at ${R}/s, ack`, summarize(acks), 'errors', errors, 'lag p99', lag.p99);
console.log(`transactions per ballot: ${((x1.x - x0.x) / N).toFixed(2)} (rows inserted ${x1.ins - x0.ins})`);
console.log(`${samples} samples; mean number of server connections in each state:`);
for (const [k, n] of [...waits].sort((p, q) => q[1] - p[1])) console.log(`  ${(n / samples).toFixed(3)}  ${k}`);
for (const x of conn.sockets) x.terminate();
await pg.end();
await s.stop();
