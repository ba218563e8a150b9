/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (6) Heap per idle room: `count` sessions, each with one member in its socket.io room (staff
 * sockets, 20 rooms each, so the per-socket cost is spread thin) and its proposal open on one
 * Yjs connection (an empty proposal). Heap and RSS after gc, before and after; then the Yjs
 * connections close and the docs unload, which splits the figure into doc + socket.io parts.
 */
import { admin } from '../lib/http.js';
import { RawSio } from '../lib/sio-raw.js';
import { pool, round, sleep } from '../lib/stats.js';
import { PassiveDoc } from '../lib/yjs.js';

export async function run(ctx) {
	const { count } = ctx.params;
	const server = ctx.servers.main;
	const probe = (cmd, args) => ctx.call('probe:main', cmd, args);
	const adminApi = await admin(server);
	const t0 = performance.now();
	const sessions = await pool(Array.from({ length: count }, (_, i) => i), 4, (i) =>
		adminApi.post('/api/v1/sessions', { title: `闲置房间 ${i + 1}`, kind: 'live', items: [{ title: '议题' }] }, 201)
	);
	const createMs = performance.now() - t0;
	const cookie = adminApi.cookieHeader();
	const perSocket = 20;
	const sockets = await pool(Array.from({ length: Math.ceil(count / perSocket) }), 10, async () => {
		const s = new RawSio(server.wsBase, { Cookie: cookie, Origin: server.origin });
		await s.connect();
		return s;
	});
	await sleep(1000);
	const mem0 = await probe('mem', { gc: true });
	const t1 = performance.now();
	// Each socket joins its rooms one after another (the limiter allows 30 events/s a socket).
	await Promise.all(
		sockets.map(async (s, k) => {
			for (let i = k * perSocket; i < Math.min(count, (k + 1) * perSocket); i++) {
				const ack = await s.emitAck('session:join', { sessionId: sessions[i].id, presence: 'delta' }, 120_000);
				if (!ack?.ok) throw new Error(`session:join: ${JSON.stringify(ack).slice(0, 200)}`);
			}
		})
	);
	const docs = await pool(sessions, 20, (session) => new PassiveDoc(server, cookie, session.items[0].docName, '主持人').open());
	const fillMs = performance.now() - t1;
	await sleep(3000);
	const stats1 = await probe('docStats');
	const mem1 = await probe('mem', { gc: true });
	for (const d of docs) d.close();
	let stats2 = null;
	let mem2 = null;
	if (ctx.params.split) {
		// Docs unload 5 s after their last connection left (and flush first).
		await sleep(8000);
		stats2 = await probe('docStats');
		mem2 = await probe('mem', { gc: true });
	}
	for (const s of sockets) s.terminate();
	const kb = (a, b, key) => round((b[key] - a[key]) / 1024 / count, 1);
	const result = {
		count,
		createMs: Math.round(createMs),
		fillMs: Math.round(fillMs),
		docsLoaded: stats1.docs,
		docsAfterClose: stats2?.docs ?? null,
		heapPerRoomKb: kb(mem0, mem1, 'heapUsed'),
		rssPerRoomKb: round((mem1.vmRssKb - mem0.vmRssKb) / count, 1),
		docHeapPerRoomKb: mem2 ? kb(mem2, mem1, 'heapUsed') : null,
		sioHeapPerRoomKb: mem2 ? kb(mem0, mem2, 'heapUsed') : null,
		mem0,
		mem1,
		mem2
	};
	ctx.log(`  ${count} idle rooms: ${result.heapPerRoomKb} KB heap each (doc ${result.docHeapPerRoomKb} + socket.io ${result.sioHeapPerRoomKb}); RSS ${result.rssPerRoomKb} KB each`);
	return result;
}
