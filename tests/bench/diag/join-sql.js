/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Diagnosis: the statements one participant costs (PGlite): N join by invite over HTTP, then
 * connect and send session:join; prints statements per join for each part, by total time.
 *   node tests/bench/diag/join-sql.js [N]   (needs the bench build)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../lib/server.js';
import { admin, sessionWithInvite } from '../lib/http.js';
import { connectMany, joinMany, waitQuiet } from '../lib/room.js';

const N = Number(process.argv[2] ?? 100);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = path.join(ROOT, 'node_modules/.cache/yishi-bench-build/server.js');
const s = await startServer({ root: ROOT, entry: ENTRY, store: 'pglite' });
const server = s.info();
const a = await admin(server);
const { session, token } = await sessionWithInvite(a);
const show = (label, rows, ms) => {
	const total = rows.reduce((t, r) => t + r.ms, 0);
	const count = rows.reduce((t, r) => t + r.n, 0);
	console.log(`\n== ${label}: ${(ms / N).toFixed(1)} ms wall per person; ${(count / N).toFixed(1)} statements, ${(total / N).toFixed(2)} ms in PGlite per person`);
	for (const r of rows.slice(0, 20)) console.log(`${(r.n / N).toFixed(2).padStart(6)} × ${(r.ms / r.n).toFixed(3).padStart(7)} ms  ${r.sql}`);
};
await s.probe('sqlTrace', { on: true });
let t0 = performance.now();
const j = await joinMany(server, token, N);
show('HTTP join by invite', await s.probe('sqlTrace', { on: false }), performance.now() - t0);
let last = 0;
await s.probe('sqlTrace', { on: true });
t0 = performance.now();
await connectMany(server, session.id, j.people, (_p, _r, at) => (last = at));
await waitQuiet(() => last, 700);
show('socket connect + session:join (until quiet)', await s.probe('sqlTrace', { on: false }), performance.now() - t0);
await s.stop();
process.exit(0);
