/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Diagnosis: how much typing a `kill -9` loses while a crowd joins (the documented window is
 * YISHI_DOC_FLUSH_MS, 50 ms). Per round: a fresh production server on one Postgres database,
 * one editor typing a character every 10 ms, `crowd` participants joining (HTTP join +
 * socket.io `session:join`), then SIGKILL at a random moment of the join. The stored document
 * (snapshot + update rows, read straight from Postgres) is a prefix of what was typed; the loss
 * window of the round = kill time − send time of the first character not stored.
 *   node tests/bench/diag/doc-kill.js [rounds=10] [crowd=100] [entry=build/server.js]
 * Needs Postgres at BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import * as Y from 'yjs';
import { admin, sessionWithInvite } from '../lib/http.js';
import { connectMany, joinMany } from '../lib/room.js';
import { startServer } from '../lib/server.js';
import { sleep, summarize } from '../lib/stats.js';
import { provider, whenSynced } from '../lib/yjs.js';

const rounds = Number(process.argv[2] ?? 10);
const crowd = Number(process.argv[3] ?? 100);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const ENTRY = path.resolve(ROOT, process.argv[4] ?? 'build/server.js');
const PG_ADMIN = process.env.BENCH_PG_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const database = `yishi_dockill_${process.pid}`;
const adminSql = postgres(PG_ADMIN, { max: 1, onnotice: () => {} });
await adminSql.unsafe(`CREATE DATABASE "${database}"`);
const url = new URL(PG_ADMIN);
url.pathname = `/${database}`;
const sql = postgres(url.toString(), { max: 1, onnotice: () => {} });

async function storedLength(docName) {
	const snap = await sql`select state from doc_snapshots where doc_name = ${docName}`;
	const rows = await sql`select update from doc_updates where doc_name = ${docName} order by id`;
	const doc = new Y.Doc();
	if (snap[0]) Y.applyUpdate(doc, new Uint8Array(snap[0].state));
	for (const r of rows) Y.applyUpdate(doc, new Uint8Array(r.update));
	return doc.getText('diag').length;
}

const losses = [];
try {
	for (let round = 1; round <= rounds; round++) {
		const s = await startServer({ root: ROOT, entry: ENTRY, env: { DATABASE_URL: url.toString() } });
		const server = s.info();
		const adminApi = await admin(server);
		const { session, token } = await sessionWithInvite(adminApi);
		const docName = session.items[0].docName;
		const doc = new Y.Doc();
		const p = provider(server, adminApi.cookieHeader(), docName, doc);
		await whenSynced(p);
		const text = doc.getText('diag');
		const sentAt = [];
		let typing = true;
		const typist = (async () => {
			while (typing) {
				sentAt.push(performance.now());
				text.insert(text.length, 'x');
				await sleep(10);
			}
		})();
		await sleep(300);
		const killAfter = 300 + Math.random() * 1200;
		const joining = (async () => {
			const joined = await joinMany(server, token, crowd, { concurrency: 20, prefix: `r${round}-` });
			await connectMany(server, session.id, joined.people, () => {}, { concurrency: 50 }).catch(() => {});
		})().catch(() => {});
		await sleep(killAfter);
		const killAt = performance.now();
		process.kill(s.pid, 'SIGKILL');
		typing = false;
		await typist;
		await s.stop({ keepStore: true });
		p.destroy();
		await joining;
		const stored = await storedLength(docName);
		const typedBeforeKill = sentAt.filter((t) => t < killAt).length;
		const lostMs = stored >= typedBeforeKill ? 0 : killAt - sentAt[stored];
		losses.push(lostMs);
		// The server's own account (newer builds): batches stored > 4 × YISHI_DOC_FLUSH_MS late.
		const late = s.lines.filter((l) => l.includes('yjs batch stored late')).map((l) => JSON.parse(l).lagMs);
		console.log(
			`round ${round}: kill ${Math.round(killAfter)} ms into the join; typed ${typedBeforeKill}, stored ${stored}, lost ${Math.round(lostMs)} ms; late batches ${late.length}${late.length ? ` (max ${Math.max(...late)} ms)` : ''}`
		);
	}
	const sum = summarize(losses);
	console.log(`loss window over ${rounds} kills with ${crowd} joining: ${JSON.stringify(sum)}`);
} catch (error) {
	console.error('diag failed:', error);
} finally {
	await sql.end({ timeout: 2 });
	await adminSql.unsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
	await adminSql.end({ timeout: 2 });
	process.exit(0);
}
