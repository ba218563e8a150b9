/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Diagnosis: the cost of compacting a big proposal. Fills one proposal to <bytes> (default 1 MB),
 * then sends 520 one-character updates (compaction runs at the 500th stored row) while the
 * server is CPU-profiled; prints event-loop lag and the top functions.
 *   node tests/bench/diag/compaction.js [bytes] [pglite|postgres]   (needs the bench build)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as Y from 'yjs';
import { startServer } from '../lib/server.js';
import { admin, sessionWithInvite } from '../lib/http.js';
import { fillProposal, lastText, provider, whenSynced } from '../lib/yjs.js';
import { sleep } from '../lib/stats.js';
const size = Number(process.argv[2] ?? 1_000_000);
const store = process.argv[3] ?? 'pglite';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = path.join(ROOT, 'node_modules/.cache/yishi-bench-build/server.js');
const s = await startServer({ root: ROOT, entry: ENTRY, store });
const server = s.info();
const a = await admin(server);
const { session } = await sessionWithInvite(a);
const docName = session.items[0].docName;
const doc = new Y.Doc();
const p = provider(server, a.cookieHeader(), docName, doc);
await whenSynced(p);
fillProposal(doc, size);
await sleep(1500);
await s.probe('cpuStart', { intervalUs: 200 });
await s.probe('lagReset');
const t = lastText(doc);
for (let i = 0; i < 520; i++) { doc.transact(() => t.insert(t.length, 'a')); await sleep(5); }
await sleep(3000);
console.log('lag', await s.probe('lag'));
const prof = await s.probe('cpuStop', { file: '/tmp/compact.cpuprofile', top: 25 });
for (const x of prof.self.slice(0, 15)) console.log('self', x.ms, x.fn);
for (const x of prof.total.slice(0, 30)) console.log('tot', x.ms, x.fn);
p.destroy();
await s.stop();
