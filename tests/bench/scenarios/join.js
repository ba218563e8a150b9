/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (3) Join: invite link → synced proposal, for proposals of 25 KB, 250 KB and 1 MB (encoded
 * Yjs state), split into
 *   http      POST /api/v1/join/:token (the invite form's work)
 *   sioOpen   socket.io WebSocket open → namespace connected
 *   sioJoin   `session:join` → ack with the room state
 *   yjsOpen   WebsocketProvider created → WebSocket open
 *   yjsSync   WebSocket open → synced (the target)
 * "cold": the first joiner after the doc was unloaded (read from the store); "warm": the doc is
 * in memory because someone is in the room — the usual case in a meeting. Then the same in
 * Chromium: invite page → form posted → room page → "connected" (room socket AND proposal synced).
 */
import * as Y from 'yjs';
import { launch } from '../lib/browser.js';
import { admin, join, sessionWithInvite } from '../lib/http.js';
import { RawSio } from '../lib/sio-raw.js';
import { sleep, summarize, round } from '../lib/stats.js';
import { fillProposal, provider, whenSynced } from '../lib/yjs.js';

const label = (bytes) => (bytes >= 1e6 ? `${bytes / 1e6} MB` : `${bytes / 1e3} KB`);

async function oneJoin(server, room, name) {
	const t = {};
	let s = performance.now();
	const person = await join(server, room.token, name);
	t.http = performance.now() - s;

	const sock = new RawSio(server.wsBase, { Cookie: person.cookie, Origin: server.origin });
	s = performance.now();
	await sock.connect();
	t.sioOpen = performance.now() - s;
	s = performance.now();
	const ack = await sock.emitAck('session:join', { sessionId: room.session.id, presence: 'delta' });
	if (!ack?.ok) throw new Error(`session:join: ${JSON.stringify(ack)}`);
	t.sioJoin = performance.now() - s;

	const doc = new Y.Doc();
	s = performance.now();
	let openAt = null;
	const p = provider(server, person.cookie, room.docName, doc, false);
	p.on('status', ({ status }) => {
		if (status === 'connected' && openAt === null) openAt = performance.now();
	});
	p.connect();
	await whenSynced(p, 60_000);
	const syncedAt = performance.now();
	t.yjsOpen = openAt - s;
	t.yjsSync = syncedAt - openAt;
	t.total = t.http + t.sioOpen + t.sioJoin + (syncedAt - s);
	const bytes = Y.encodeStateAsUpdate(doc).byteLength;
	p.destroy();
	doc.destroy();
	sock.terminate();
	return { t, bytes };
}

export async function run(ctx) {
	const { sizes, warm } = ctx.params;
	const server = ctx.servers.main;
	const adminApi = await admin(server);
	const rooms = [];
	for (const size of sizes) {
		const { session, token } = await sessionWithInvite(adminApi, {
			title: `提案 ${label(size)}`,
			items: [{ title: `外墙维修方案（${label(size)}）` }]
		});
		const docName = session.items[0].docName;
		// Written as many small updates, as a proposal grows over days.
		const doc = new Y.Doc();
		const writer = provider(server, adminApi.cookieHeader(), docName, doc);
		await whenSynced(writer);
		const bytes = fillProposal(doc, size);
		// Everything reached the server when a fresh reader sees the same size.
		for (let i = 0; ; i++) {
			await sleep(300);
			const check = new Y.Doc();
			const reader = provider(server, adminApi.cookieHeader(), docName, check);
			await whenSynced(reader, 60_000);
			const seen = Y.encodeStateAsUpdate(check).byteLength;
			reader.destroy();
			if (seen >= bytes || i > 20) break;
		}
		writer.destroy();
		rooms.push({ size, bytes, session, token, docName });
	}
	// Let every doc unload (5 s after its last connection) so the first join reads the store.
	if (ctx.params.cold !== false) await sleep(6500);
	const out = [];
	for (const room of rooms) {
		const cold = ctx.params.cold !== false ? await oneJoin(server, room, `冷启动-${room.size}`) : null;
		// Keeper: someone is in the room, the doc stays loaded.
		const keeperDoc = new Y.Doc();
		const keeper = provider(server, adminApi.cookieHeader(), room.docName, keeperDoc);
		await whenSynced(keeper, 60_000);
		const samples = [];
		for (let i = 0; i < warm; i++) samples.push((await oneJoin(server, room, `居民-${room.size}-${i}`)).t);
		keeper.destroy();
		const pick = (k) => summarize(samples.map((x) => x[k]));
		const entry = {
			size: room.size,
			label: label(room.size),
			bytes: room.bytes,
			cold: cold ? Object.fromEntries(Object.entries(cold.t).map(([k, v]) => [k, round(v)])) : null,
			warm: { http: pick('http'), sioOpen: pick('sioOpen'), sioJoin: pick('sioJoin'), yjsOpen: pick('yjsOpen'), yjsSync: pick('yjsSync'), total: pick('total') }
		};
		out.push(entry);
		ctx.log(
			`  ${entry.label}: cold open→synced ${cold ? round(cold.t.yjsSync, 1) : '—'} ms; warm http ${entry.warm.http.p50} · sio ${entry.warm.sioOpen.p50}+${entry.warm.sioJoin.p50} · yjs open ${entry.warm.yjsOpen.p50} · open→synced ${entry.warm.yjsSync.p50} ms (p50)`
		);
	}
	let browser = null;
	if (ctx.params.browser === false) return { sizes: out, browser: { skipped: 'not in --quick' } };
	try {
		browser = await browserJoins(ctx, server, rooms);
	} catch (error) {
		browser = { error: String(error?.message ?? error).slice(0, 500) };
		ctx.log(`  browser timing failed: ${browser.error}`);
	}
	return { sizes: out, browser };
}

/** Invite page → name → room → "connected" in Chromium, one fresh context per size. */
async function browserJoins(ctx, server, rooms) {
	const b = await launch();
	const results = [];
	try {
		for (const room of rooms) {
			// Warm: someone keeps the doc loaded, as in a meeting.
			const adminApi = await admin(server);
			const keeperDoc = new Y.Doc();
			const keeper = provider(server, adminApi.cookieHeader(), room.docName, keeperDoc);
			await whenSynced(keeper, 60_000);
			const context = await b.newContext({ baseURL: server.origin.replace('localhost', '127.0.0.1') });
			const page = await context.newPage();
			// The server checks Origin against ORIGIN (localhost); the browser must use it.
			const t0 = performance.now();
			await page.goto(`${server.origin}/join/${encodeURIComponent(room.token)}`);
			const invitePage = performance.now() - t0;
			await page.fill('input[name=name]', '浏览器居民');
			const t1 = performance.now();
			await Promise.all([page.waitForURL(/\/s\//, { timeout: 30_000 }), page.getByRole('button', { name: '加入', exact: true }).click()]);
			const roomPage = performance.now() - t1;
			await page.waitForSelector('.ProseMirror', { timeout: 60_000 });
			const editorShown = performance.now() - t1;
			await page.waitForSelector('p.status.online', { timeout: 60_000 });
			const connected = performance.now() - t1;
			results.push({
				size: room.size,
				label: label(room.size),
				invitePageMs: round(invitePage, 1),
				submitToRoomMs: round(roomPage, 1),
				submitToEditorMs: round(editorShown, 1),
				submitToConnectedMs: round(connected, 1)
			});
			await context.close();
			keeper.destroy();
		}
	} finally {
		await b.close();
	}
	return results;
}
