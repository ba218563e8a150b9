/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Diagnosis: ballot cost versus the size of the eligible list. E participants join, V of them
 * connect and cast one ballot each at 200/s; prints ack latency and event-loop lag; with PROF=1
 * also the server's top functions (profile saved to /tmp/acks-<E>.cpuprofile).
 *   node tests/bench/diag/ballots.js <E> <V> [pglite|postgres]   (needs the bench build)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.js';
import { admin, openVote, sessionWithInvite } from '../lib/http.js';
import { connectMany, joinMany, waitQuiet } from '../lib/room.js';
import { sleep, summarize } from '../lib/stats.js';
const E = Number(process.argv[2]), V = Number(process.argv[3]), store = process.argv[4] ?? 'pglite';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = path.join(ROOT, 'node_modules/.cache/yishi-bench-build/server.js');
const s = await startServer({ root: ROOT, entry: ENTRY, store, templateDir: process.env.TPL });
const server = s.info();
const a = await admin(server);
const { session, token } = await sessionWithInvite(a);
const j = await joinMany(server, token, E);
let last = 0;
const conn = await connectMany(server, session.id, j.people.slice(0, V), (_p, _r, at) => (last = at));
await waitQuiet(() => last, 700);
const voteId = await openVote(a, session.items[0].id);
await sleep(1000);
await s.probe('lagReset');
if (process.env.PROF) await s.probe('cpuStart', { intervalUs: 250 });
const acks = [];
const t0 = performance.now();
const sends = [];
for (let i = 0; i < V; i++) {
  const due = t0 + i * 5; const w = due - performance.now(); if (w > 0) await sleep(w);
  const st = performance.now();
  sends.push(conn.sockets[i].emitAck('ballot:cast', { voteId, choice: 'yes' }).then(() => acks.push(performance.now() - st)));
}
await Promise.all(sends);
const lag = await s.probe('lag');
console.log(`E=${E} V=${V} ${store}: ack`, summarize(acks), 'lag', lag);
if (process.env.PROF) {
  const prof = await s.probe('cpuStop', { file: `/tmp/acks-${E}.cpuprofile`, top: 25 });
  for (const x of prof.self.slice(0, 15)) console.log('self', x.ms, x.fn);
  for (const x of prof.product.slice(0, 25)) console.log('prod', x.ms, x.fn);
}
for (const x of conn.sockets) x.terminate();
await s.stop();
