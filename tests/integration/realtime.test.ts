/**
 * The realtime contract (REFERENCE.md §3) on the real production build: y-websocket providers and
 * socket.io clients against a server started on port 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as Y from 'yjs';
import {
	availableStores,
	createSessionWithInvites,
	emitAck,
	eventually,
	joinAs,
	nextEvent,
	socketClient,
	startServer,
	upgradeStatus,
	roundTrip,
	whenSynced,
	yjsProvider,
	type ServerHandle,
	type SessionFixture
} from './harness';
import { applyPresenceDelta, type PresenceDelta } from '../../src/lib/protocol/presence';

const text = (doc: Y.Doc) => doc.getXmlFragment('prosemirror').toString();

function write(doc: Y.Doc, words: string) {
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText(words)]);
	const fragment = doc.getXmlFragment('prosemirror');
	fragment.insert(fragment.length, [paragraph]);
}

describe('proposal documents over y-websocket', () => {
	let server: ServerHandle;
	let fx: SessionFixture;
	let docName: string;
	beforeAll(async () => {
		server = await startServer();
		fx = await createSessionWithInvites(server, { roles: ['resident', 'observer'] });
		docName = fx.session.items[0]!.docName;
	});
	afterAll(() => server?.dispose());

	it('two editors converge through the server', async () => {
		const a = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const b = await joinAs(server, fx.invites.resident!.token, '李师傅');
		const [docA, docB] = [new Y.Doc(), new Y.Doc()];
		const [pa, pb] = [yjsProvider(server, a, docName, docA), yjsProvider(server, b, docName, docB)];
		try {
			await Promise.all([whenSynced(pa), whenSynced(pb)]);
			write(docA, '三部电梯更新方案');
			write(docB, '按每平方米15元筹集');
			await eventually(() => text(docA).includes('15元') && text(docB).includes('电梯更新'));
			expect(text(docA)).toBe(text(docB));
		} finally {
			pa.destroy();
			pb.destroy();
		}
	});

	it("drops an observer's edits and awareness", async () => {
		const resident = await joinAs(server, fx.invites.resident!.token, '张老师');
		const observer = await joinAs(server, fx.invites.observer!.token, '街道观察员');
		const [docR, docO] = [new Y.Doc(), new Y.Doc()];
		const pr = yjsProvider(server, resident, docName, docR);
		const po = yjsProvider(server, observer, docName, docO);
		try {
			await Promise.all([whenSynced(pr), whenSynced(po)]);
			po.awareness.setLocalStateField('user', { name: '街道观察员' });
			write(docO, '观察员偷偷写的字');
			write(docR, '居民写的字');
			await eventually(() => text(docO).includes('居民写的字'));
			// The server has read the observer's frames once it answers the observer's next one, and
			// anything it relayed to the resident before then reaches them before their own answer.
			await roundTrip(po);
			await roundTrip(pr);
			expect(text(docR)).not.toContain('观察员偷偷写的字');
			const names = [...pr.awareness.getStates().values()].map((s) => s.user?.name);
			expect(names).not.toContain('街道观察员');
			const fresh = new Y.Doc();
			const pf = yjsProvider(server, resident, docName, fresh);
			await whenSynced(pf);
			expect(text(fresh)).toContain('居民写的字');
			expect(text(fresh)).not.toContain('观察员偷偷写的字');
			pf.destroy();
		} finally {
			pr.destroy();
			po.destroy();
		}
	});

	it('refuses upgrades without a session (401) or from a foreign Origin (403)', async () => {
		const member = await joinAs(server, fx.invites.resident!.token, '赵大爷');
		const yjsUrl = server.url(`/yjs/${docName}`).replace(/^http/, 'ws');
		const ioUrl = server.url('/socket.io/?EIO=4&transport=websocket').replace(/^http/, 'ws');
		for (const url of [yjsUrl, ioUrl]) {
			expect(await upgradeStatus(url, { Origin: server.origin })).toBe(401);
			expect(await upgradeStatus(url, { Origin: server.origin, Cookie: 'session=forged' })).toBe(
				401
			);
			expect(
				await upgradeStatus(url, { Origin: 'https://evil.example', Cookie: member.cookieHeader() })
			).toBe(403);
			expect(await upgradeStatus(url, { Cookie: member.cookieHeader() })).toBe(403);
			expect(
				await upgradeStatus(url, { Origin: server.origin, Cookie: member.cookieHeader() })
			).toBe(101);
		}
		const outsider = await joinAs(
			server,
			(await createSessionWithInvites(server)).invites.resident!.token,
			'别的会的人'
		);
		expect(
			await upgradeStatus(yjsUrl, { Origin: server.origin, Cookie: outsider.cookieHeader() })
		).toBe(403);
	});

	it('closes only the socket that sends a malformed or oversized frame', async () => {
		const member = await joinAs(server, fx.invites.resident!.token, '钱阿姨');
		const headers = { Origin: server.origin, Cookie: member.cookieHeader() };
		const url = server.url(`/yjs/${docName}`).replace(/^http/, 'ws');
		const closeCode = (payload: Buffer) =>
			new Promise<number>((resolve, reject) => {
				const ws = new WebSocket(url, { headers });
				ws.on('open', () => ws.send(payload));
				ws.on('close', (code) => resolve(code));
				ws.on('error', () => {});
				setTimeout(() => reject(new Error('socket stayed open')), 10_000);
			});
		const doc = new Y.Doc();
		const healthy = yjsProvider(server, member, docName, doc);
		try {
			await whenSynced(healthy);
			expect(await closeCode(Buffer.from([0, 9, 255, 255, 255, 255, 255]))).not.toBe(1000);
			expect(await closeCode(Buffer.from([42]))).not.toBe(1000);
			expect(await closeCode(Buffer.alloc(1024 * 1024 + 100, 1))).toBe(1009);
			const res = await fetch(server.url('/healthz'));
			expect(res.status).toBe(200);
			write(doc, '坏帧之后还能写');
			const check = new Y.Doc();
			const other = yjsProvider(server, member, docName, check);
			await whenSynced(other);
			await eventually(() => text(check).includes('坏帧之后还能写'));
			other.destroy();
			expect(healthy.wsconnected).toBe(true);
		} finally {
			healthy.destroy();
		}
	});
	it('logout closes the live sockets of that session, documents included', async () => {
		const member = await joinAs(server, fx.invites.resident!.token, '周阿姨');
		const other = await joinAs(server, fx.invites.resident!.token, '吴叔叔');
		const doc = new Y.Doc();
		const provider = yjsProvider(server, member, docName, doc);
		const bystander = yjsProvider(server, other, docName, new Y.Doc());
		await Promise.all([whenSynced(provider), whenSynced(bystander)]);
		const socket = await socketClient(server, member);
		await emitAck(socket, 'session:join', { sessionId: fx.session.id });
		const docClosed = new Promise<void>((resolve) =>
			provider.on('connection-close', () => resolve())
		);
		const socketClosed = new Promise<void>((resolve) => socket.on('disconnect', () => resolve()));
		provider.shouldConnect = false; // the provider would otherwise retry
		expect((await member.post('/api/v1/logout', {})).status).toBe(204);
		await Promise.all([docClosed, socketClosed]);
		expect(bystander.wsconnected).toBe(true);
		expect(
			await upgradeStatus(server.url(`/yjs/${docName}`).replace(/^http/, 'ws'), {
				Origin: server.origin,
				Cookie: member.cookieHeader()
			})
		).toBe(401);
		provider.destroy();
		bystander.destroy();
	});
});

describe.each(availableStores())('durability on %s', (store) => {
	let server: ServerHandle;
	afterAll(() => server?.dispose());

	it('keeps every edit across a graceful restart and a kill -9 after the flush window', async () => {
		server = await startServer({ store });
		const fx = await createSessionWithInvites(server);
		const docName = fx.session.items[0]!.docName;
		const member = await joinAs(server, fx.invites.resident!.token, '孙师傅');
		const doc = new Y.Doc();
		let provider = yjsProvider(server, member, docName, doc);
		await whenSynced(provider);
		write(doc, '第一段：重启前写的');
		await roundTrip(provider); // the server holds the edit; a graceful stop flushes it
		provider.destroy();
		expect(await server.stop()).toBe(0);

		server = await server.restart();
		const afterRestart = new Y.Doc();
		provider = yjsProvider(server, member, docName, afterRestart);
		await whenSynced(provider);
		expect(text(afterRestart)).toContain('第一段：重启前写的');

		// The documented window is YISHI_DOC_FLUSH_MS (50 ms); wait well past it, then kill.
		write(afterRestart, '第二段：kill -9 之前写的');
		await new Promise((r) => setTimeout(r, 400));
		await server.kill9();
		provider.destroy();
		server = await server.restart();
		const afterKill = new Y.Doc();
		provider = yjsProvider(server, member, docName, afterKill);
		await whenSynced(provider);
		expect(text(afterKill)).toContain('第一段：重启前写的');
		expect(text(afterKill)).toContain('第二段：kill -9 之前写的');
		provider.destroy();
	});
});

describe('live room over socket.io', () => {
	let server: ServerHandle;
	let fx: SessionFixture;
	beforeAll(async () => {
		server = await startServer();
		fx = await createSessionWithInvites(server, { roles: ['resident', 'observer', 'property'] });
	});
	afterAll(() => server?.dispose());

	it('answers session:join with the room snapshot and pushes presence as people come and go', async () => {
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const liu = await joinAs(server, fx.invites.property!.token, '物业刘经理');
		const sw = await socketClient(server, wang);
		const joined = await emitAck(sw, 'session:join', { sessionId: fx.session.id });
		if (!joined.ok) throw new Error(joined.error.message);
		expect(joined.state.items.map((i) => i.docName)).toEqual(
			fx.session.items.map((i) => i.docName)
		);
		expect(joined.state.currentItemId).toBe(fx.session.items[0]!.id);
		expect(joined.state.me).toMatchObject({
			participantId: wang.participant.id,
			role: 'resident',
			canWrite: true
		});
		const me = joined.state.participants.find((p) => p.id === wang.participant.id);
		expect(me).toMatchObject({ name: '王阿姨', role: 'resident', online: true });

		const sl = await socketClient(server, liu);
		const liuOnline = nextEvent(sw, 'presence', 10_000, (p) =>
			p.participants.some((x) => x.id === liu.participant.id && x.online)
		);
		await emitAck(sl, 'session:join', { sessionId: fx.session.id });
		expect((await liuOnline).participants.find((x) => x.id === liu.participant.id)?.role).toBe(
			'property'
		);

		const liuOffline = nextEvent(sw, 'presence', 10_000, (p) =>
			p.participants.some((x) => x.id === liu.participant.id && !x.online)
		);
		sl.disconnect();
		await liuOffline;
		sw.disconnect();
	});

	it('sends presence deltas to a socket that asks for them, and the whole list to one that does not', async () => {
		const zhao = await joinAs(server, fx.invites.resident!.token, '赵师傅');
		const full = await joinAs(server, fx.invites.resident!.token, '孙老师');
		const chen = await joinAs(server, fx.invites.resident!.token, '陈大姐');
		const sz = await socketClient(server, zhao);
		const sf = await socketClient(server, full);
		const dz = await emitAck(sz, 'session:join', { sessionId: fx.session.id, presence: 'delta' });
		const df = await emitAck(sf, 'session:join', { sessionId: fx.session.id });
		if (!dz.ok || !df.ok) throw new Error('join refused');
		let list = dz.state.participants;
		// Deltas arrive only for the socket that asked; the other keeps the whole list.
		const deltas: PresenceDelta[] = [];
		sz.on('presence', () => deltas.push({ upsert: [], remove: ['unexpected full presence'] }));
		sz.on('presence:delta', (d) => deltas.push(d));
		const chenOnline = nextEvent(sz, 'presence:delta', 10_000, (d) =>
			d.upsert.some((x) => x.id === chen.participant.id && x.online)
		);
		const fullList = nextEvent(sf, 'presence', 10_000, (p) =>
			p.participants.some((x) => x.id === chen.participant.id && x.online)
		);
		const sc = await socketClient(server, chen);
		await emitAck(sc, 'session:join', { sessionId: fx.session.id });
		const delta = await chenOnline;
		// Small: only what changed, never the whole room.
		expect(delta.upsert.length).toBeLessThan(list.length);
		expect(delta.upsert.find((x) => x.id === chen.participant.id)).toMatchObject({
			name: '陈大姐',
			role: 'resident',
			online: true,
			muted: false
		});
		expect((await fullList).participants.length).toBeGreaterThanOrEqual(list.length);

		const chenOffline = nextEvent(sz, 'presence:delta', 10_000, (d) =>
			d.upsert.some((x) => x.id === chen.participant.id && !x.online)
		);
		sc.disconnect();
		await chenOffline;
		for (const d of deltas) list = applyPresenceDelta(list, d);
		// The deltas bring the delta socket to the same list as a fresh snapshot.
		const again = await emitAck(sf, 'session:join', { sessionId: fx.session.id });
		if (!again.ok) throw new Error('join refused');
		const byId = (l: typeof list) => [...l].sort((a, b) => a.id.localeCompare(b.id));
		expect(byId(list)).toEqual(byId(again.state.participants));
		sz.disconnect();
		sf.disconnect();
	});

	it('tells an observer it cannot write, and refuses bad payloads and other rooms', async () => {
		const observer = await joinAs(server, fx.invites.observer!.token, '列席代表');
		const socket = await socketClient(server, observer);
		const joined = await emitAck(socket, 'session:join', { sessionId: fx.session.id });
		expect(joined.ok && joined.state.me.canWrite).toBe(false);
		const bad = await emitAck(socket, 'session:join', { sessionId: 42 } as never);
		expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
		const other = await createSessionWithInvites(server);
		const foreign = await emitAck(socket, 'session:join', { sessionId: other.session.id });
		expect(foreign).toMatchObject({ ok: false, error: { code: 'forbidden' } });
		socket.disconnect();
	});
});
