/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (4) Editing: a keystroke typed by editor A reaches editor B through the server, first with
 * nobody else in the room (the in-run baseline), then with `passive` members in the room
 * (socket.io joined, proposal open, awareness announced and renewed — held by a separate crowd
 * process). A and B are real y-websocket providers; each keystroke is one Yjs update plus a
 * cursor awareness update (what y-prosemirror sends). Persistence is on (the product's default).
 */
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { startCrowd } from '../lib/crowd.js';
import { admin, sessionWithInvite } from '../lib/http.js';
import { joinMany, profiled } from '../lib/room.js';
import { ratio, sleep, summarize } from '../lib/stats.js';
import { fillProposal, lastText, provider, whenSynced } from '../lib/yjs.js';

/** A types `count` keystrokes at `perSecond`; answers B's receive latencies (also used by cluster.js). */
export async function type(ctx, a, b, count, perSecond) {
	const text = lastText(a.doc);
	const lat = [];
	let received = 0;
	let pendingAt = [];
	const onUpdate = (_u, origin) => {
		if (origin !== b.provider) return;
		const at = performance.now();
		const sent = pendingAt[received++];
		if (sent !== undefined) lat.push(at - sent);
	};
	b.doc.on('update', onUpdate);
	const interval = 1000 / perSecond;
	for (let i = 0; i < count; i++) {
		const t0 = performance.now();
		pendingAt.push(t0);
		a.doc.transact(() => text.insert(text.length, '字'));
		a.provider.awareness.setLocalStateField('cursor', { anchor: text.length, head: text.length });
		await sleep(Math.max(0, interval - (performance.now() - t0)));
	}
	const deadline = performance.now() + 10_000;
	while (received < count && performance.now() < deadline) await sleep(20);
	b.doc.off('update', onUpdate);
	return { latency: summarize(lat), lost: count - received };
}

export async function run(ctx) {
	const { passive, keystrokes, perSecond } = ctx.params;
	const server = ctx.servers.main;
	const probe = (cmd, args) => ctx.call('probe:main', cmd, args);
	const adminApi = await admin(server);
	const { session, token } = await sessionWithInvite(adminApi, { title: '协同编辑（基准）', items: [{ title: '停车位方案' }] });
	const docName = session.items[0].docName;
	const joined = await joinMany(server, token, passive + 2, { prefix: '编辑者' });
	const [pa, pb, ...crowdPeople] = joined.people;

	const mk = async (person, name) => {
		const doc = new Y.Doc();
		const p = provider(server, person.cookie, docName, doc);
		p.awareness.setLocalStateField('user', { name, color: '#c0392b' });
		await whenSynced(p, 60_000);
		return { doc, provider: p };
	};
	const a = await mk(pa, 'A');
	fillProposal(a.doc, 25_000);
	const b = await mk(pb, 'B');
	await sleep(500);

	await probe('lagReset');
	const alone = await type(ctx, a, b, Math.max(50, Math.round(keystrokes / 2)), perSecond);
	alone.lag = await probe('lag');
	ctx.log(`  alone: p50 ${alone.latency.p50} ms p99 ${alone.latency.p99} ms`);

	// The same two editors through a bare y-websocket server (no auth, no persistence): the
	// in-run floor of what a relay through a second process costs on this machine.
	const base = await ctx.call('orch', 'startBaseline', { kind: 'yjs', tag: 'edit' });
	const mkBare = async () => {
		const doc = new Y.Doc();
		const p = new WebsocketProvider(base.wsBase, docName, doc, { WebSocketPolyfill: WebSocket, disableBc: true });
		await whenSynced(p, 30_000);
		return { doc, provider: p };
	};
	const ba = await mkBare();
	fillProposal(ba.doc, 25_000);
	const bb = await mkBare();
	await sleep(500);
	const bareRelay = await type(ctx, ba, bb, Math.max(50, Math.round(keystrokes / 2)), perSecond);
	ba.provider.destroy();
	bb.provider.destroy();
	await ctx.call('orch', 'stopBaseline', { pid: base.pid });
	ctx.log(`  bare y-websocket relay: p50 ${bareRelay.latency.p50} ms p99 ${bareRelay.latency.p99} ms`);

	const crowd = startCrowd();
	const t0 = performance.now();
	await crowd.open(server, session.id, docName, crowdPeople.map((x, i) => ({ cookie: x.cookie, name: `旁听${i}` })));
	const crowdMs = performance.now() - t0;
	await sleep(2000);
	const before = await crowd.stats();
	await probe('lagReset');
	const run = await profiled(ctx, 'main', 'editing-crowd', () => type(ctx, a, b, keystrokes, perSecond));
	const withCrowd = run.value;
	withCrowd.lag = await probe('lag');
	if (run.profile) withCrowd.profile = run.profile;
	const after = await crowd.stats();
	await crowd.close();
	a.provider.destroy();
	b.provider.destroy();
	const perKeystroke = (after.yjsFrames - before.yjsFrames) / keystrokes / Math.max(1, passive);
	ctx.log(`  with ${passive} passive: p50 ${withCrowd.latency.p50} ms p99 ${withCrowd.latency.p99} ms`);
	return {
		passive,
		keystrokes,
		perSecond,
		crowdJoinMs: Math.round(crowdMs),
		alone,
		bareRelay,
		withCrowd,
		framesPerKeystrokePerMember: Math.round(perKeystroke * 100) / 100,
		ratioP50: ratio(withCrowd.latency.p50, alone.latency.p50),
		ratioP99: ratio(withCrowd.latency.p99, alone.latency.p99),
		bareRatioP50: ratio(withCrowd.latency.p50, bareRelay.latency.p50),
		bareRatioP99: ratio(withCrowd.latency.p99, bareRelay.latency.p99)
	};
}
