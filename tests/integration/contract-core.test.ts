/**
 * The contract's §1–§8 driven the way a foreign program drives it: plain HTTP with a cookie, a
 * socket.io client, its own Ed25519 and RFC 8785 checks (node:crypto + canonicalize), nothing
 * imported from the app. Each test names the contract rows it holds to the letter — paths,
 * methods, status codes, error codes, field names — where the other integration tests check the
 * behaviour behind them (src/lib/protocol/REFERENCE.md).
 */
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	ApiClient,
	adminClient,
	ROOT,
	availableStores,
	createSessionWithInvites,
	emitAck,
	eventually,
	expectStatus,
	joinAs,
	nextEvent,
	roundTrip,
	socketClient,
	startServer,
	tokenOf,
	userClient,
	whenSynced,
	yjsProvider,
	type ClientSocket,
	type ServerHandle
} from './harness';

interface ErrorBody {
	error: { code: string; message: string };
}
interface Entry {
	seq: number;
	at: string;
	type: string;
	actor: unknown;
	data: Record<string, unknown>;
	prevHash: string;
	hash: string;
	content?: { text?: string; hidden?: boolean; reason?: string };
}
interface SignedHead {
	sessionId: string;
	seq: number;
	head: string;
	at: string;
	signature: string;
}
interface Transcript {
	sessionId: string;
	entries: Entry[];
	head: string;
	signedHead: SignedHead;
}
interface Tally {
	voteId: string;
	status: 'draft' | 'open' | 'closed';
	counts?: Record<string, { headcount: number; area: number }>;
	participation: {
		headcount: number;
		area: number;
		eligibleHeadcount: number;
		eligibleArea: number;
	};
	result?: {
		passed: boolean;
		checks: { name: string; value: unknown; required: unknown; ok: boolean }[];
	};
}
interface Session {
	id: string;
	title: string;
	kind: string;
	status: string;
	items: { id: string; title: string; docName: string }[];
	communityId: string;
}

const ZERO = '0'.repeat(64);
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const jcs = (value: unknown) => canonicalize(value)!;

/** Asserts the contract's error body: `{error:{code, message}}` with this status and code. */
function refused(
	res: { status: number; body: unknown; text: string },
	status: number,
	code: string
) {
	expect(res.status, res.text.slice(0, 300)).toBe(status);
	expect(res.body).toEqual({ error: { code, message: expect.any(String) } });
	expect((res.body as ErrorBody).error.message.length).toBeGreaterThan(0);
}

/** A 4xx with the contract's error body (any code): what a client may rely on for bad input. */
function clientError(res: { status: number; body: unknown; text: string }) {
	expect(res.status, res.text.slice(0, 300)).toBeGreaterThanOrEqual(400);
	expect(res.status, res.text.slice(0, 300)).toBeLessThan(500);
	expect((res.body as ErrorBody).error.code).toMatch(/^[a-z][a-z0-9_]*$/);
}

/** The walker anyone can write (§4): seq from 1 without gaps, prevHash chain, JCS hashes. */
function walk(entries: Entry[]): string {
	let prev = ZERO;
	entries.forEach((e, i) => {
		expect(e.seq).toBe(i + 1);
		expect(e.prevHash).toBe(prev);
		const body = jcs({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, data: e.data });
		expect(e.hash).toBe(sha256(prev + body));
		expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
		prev = e.hash;
	});
	return prev;
}

/** `npm run verify -- <file> …` as a person runs it, without blocking this process's sockets. */
function runVerify(
	transcript: unknown,
	extra: string[] = []
): Promise<{ code: number; out: string; err: string }> {
	const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'yishi-contract-')), 't.json');
	writeFileSync(file, JSON.stringify(transcript));
	return new Promise((resolve) => {
		execFile(
			'npm',
			['run', '--silent', 'verify', '--', file, ...extra],
			{ cwd: ROOT, encoding: 'utf8' },
			(error, out, err) =>
				resolve({ code: error ? Number(error.code ?? 1) : 0, out: out.trim(), err })
		);
	});
}

function ed25519(publicKeyBase64: string) {
	const raw = Buffer.from(publicKeyBase64, 'base64');
	expect(raw).toHaveLength(32);
	return createPublicKey({
		key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
		format: 'jwk'
	});
}

function signatureHolds(publicKeyBase64: string, h: SignedHead): boolean {
	const message = jcs({ sessionId: h.sessionId, seq: h.seq, head: h.head, at: h.at });
	return verify(
		null,
		Buffer.from(message, 'utf8'),
		ed25519(publicKeyBase64),
		Buffer.from(h.signature, 'base64')
	);
}

describe.each(availableStores())('CONTRACT §1–§8 as a foreign client drives it (%s)', (store) => {
	let server: ServerHandle;
	let admin: ApiClient;
	let anon: ApiClient;
	const sockets: ClientSocket[] = [];
	const open = async (client: ApiClient) => {
		const s = await socketClient(server, client);
		sockets.push(s);
		return s;
	};

	/** A moderator of a community of another street: staff, but not of the fixtures' community. */
	const outsideModerator = async () => {
		const tag = Math.random().toString(36).slice(2, 8);
		const street = expectStatus<{ id: string }>(
			await admin.post('/api/v1/streets', { name: `外街道-${tag}` }),
			201
		);
		const community = expectStatus<{ id: string }>(
			await admin.post(`/api/v1/streets/${street.id}/communities`, { name: `外小区-${tag}` }),
			201
		);
		const username = `outside-${tag}`;
		expectStatus(
			await admin.post('/api/v1/users', {
				username,
				password: 'pw-outside-1',
				role: 'moderator',
				communityId: community.id
			}),
			201
		);
		const client = new ApiClient(server);
		expectStatus(await client.login(username, 'pw-outside-1'), 200);
		return client;
	};

	beforeAll(async () => {
		server = await startServer({ store, env: { YISHI_TEST_CLOCK: '1' } });
		admin = await adminClient(server);
		anon = new ApiClient(server);
	});
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		await server?.dispose();
	});

	it('[C1-HEALTH] GET /healthz → 200 {"status":"ok"} as JSON', async () => {
		const res = await anon.get('/healthz');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/^application\/json/);
		expect(res.body).toEqual({ status: 'ok' });
	});

	it('[C2-LOGIN] login answers {user:{id,username,role}} and a cookie; 401 invalid_credentials; odd bodies 400', async () => {
		const res = await new ApiClient(server).post('/api/v1/login', {
			username: 'admin',
			password: 'yishi-test-admin-pw'
		});
		expect(res.status).toBe(200);
		expect(res.body).toEqual({
			user: { id: expect.any(String), username: 'admin', role: 'admin' }
		});
		expect(res.setCookies.some((c) => /^session=[^;]+/.test(c))).toBe(true);

		refused(
			await new ApiClient(server).post('/api/v1/login', { username: 'admin', password: 'nope' }),
			401,
			'invalid_credentials'
		);
		refused(
			await new ApiClient(server).post('/api/v1/login', { username: 'nobody-here', password: 'x' }),
			401,
			'invalid_credentials'
		);
		clientError(await new ApiClient(server).post('/api/v1/login', {}));
		clientError(await new ApiClient(server).post('/api/v1/login', [1, 2]));
		clientError(
			await new ApiClient(server).request('POST', '/api/v1/login', {
				body: '{"username":',
				headers: { 'content-type': 'application/json' }
			})
		);
		// §2: a mutating request without the right Origin is 403 forbidden_origin.
		refused(
			await new ApiClient(server).post(
				'/api/v1/login',
				{ username: 'admin', password: 'yishi-test-admin-pw' },
				{ origin: 'https://evil.example' }
			),
			403,
			'forbidden_origin'
		);
		refused(
			await admin.post(
				'/api/v1/sessions',
				{ title: 't', kind: 'live', items: [] },
				{ origin: null }
			),
			403,
			'forbidden_origin'
		);
	});

	it('[C2-ERRORS] every answer under /api/v1 is the contract’s error body: unknown calls 404, wrong methods 405', async () => {
		for (const path of ['/api/v1/nothing-here', '/api/v1/sessions/x/nothing', '/api/v2/sessions']) {
			refused(await anon.get(path), 404, 'not_found');
			refused(await admin.post(path, {}), 404, 'not_found');
		}
		const wrong = await admin.request('PUT', '/api/v1/users', { json: {} });
		refused(wrong, 405, 'method_not_allowed');
		expect(wrong.headers.get('allow')).toContain('POST');
		refused(await anon.request('DELETE', '/api/v1/transparency/key'), 405, 'method_not_allowed');
	});

	it('[C2-USERS] admin creates users: 201 {id, username, role}; 409 username_taken; others 401/403; bad role 400', async () => {
		const name = `mod-${Date.now()}`;
		const created = await admin.post('/api/v1/users', {
			username: name,
			password: 'pw-long-enough-1',
			role: 'moderator'
		});
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({
			id: expect.any(String),
			username: name,
			role: 'moderator'
		});
		refused(
			await admin.post('/api/v1/users', {
				username: name,
				password: 'pw-long-enough-2',
				role: 'clerk'
			}),
			409,
			'username_taken'
		);
		for (const role of ['clerk', 'street', 'admin'] as const) {
			const res = await admin.post('/api/v1/users', {
				username: `${role}-${Date.now()}`,
				password: 'pw-long-enough-3',
				role
			});
			expect(res.status).toBe(201);
			expect((res.body as { role: string }).role).toBe(role);
		}
		clientError(
			await admin.post('/api/v1/users', {
				username: 'x-role',
				password: 'pw-long-1',
				role: 'resident'
			})
		);
		clientError(await admin.post('/api/v1/users', { username: 'x-none' }));
		const moderator = new ApiClient(server);
		expectStatus(await moderator.login(name, 'pw-long-enough-1'), 200);
		expect(
			(
				await moderator.post('/api/v1/users', {
					username: 'y',
					password: 'pw-long-1',
					role: 'clerk'
				})
			).status
		).toBe(403);
		expect(
			(await anon.post('/api/v1/users', { username: 'z', password: 'pw-long-1', role: 'clerk' }))
				.status
		).toBe(401);
	});

	it('[C2-SESSION] sessions: 201 {id,title,kind,status,items:[{id,title,docName}]}, GET adds communityId; unknown ids 404', async () => {
		const moderator = await userClient(server, admin, 'moderator');
		const res = await moderator.post('/api/v1/sessions', {
			title: '楼道议事',
			kind: 'live',
			items: [{ title: '加装电梯', body: '方案' }, { title: '停车' }]
		});
		expect(res.status).toBe(201);
		const s = res.body as Session;
		expect(s).toMatchObject({
			id: expect.any(String),
			title: '楼道议事',
			kind: 'live',
			status: expect.any(String)
		});
		expect(s.items.map((i) => i.title)).toEqual(['加装电梯', '停车']);
		for (const item of s.items) {
			expect(item).toMatchObject({ id: expect.any(String), docName: expect.any(String) });
		}
		const read = expectStatus<Session>(await moderator.get(`/api/v1/sessions/${s.id}`), 200);
		expect(read).toMatchObject({ id: s.id, title: s.title, kind: 'live', status: s.status });
		expect(read.items).toEqual(s.items.map((i) => expect.objectContaining(i)));
		expect(read.communityId).toEqual(expect.any(String));

		// Not a member and the session is open: no read (§2 "member of it, or anyone once closed").
		expect([401, 403, 404]).toContain((await anon.get(`/api/v1/sessions/${s.id}`)).status);
		for (const id of ['00000000-0000-4000-8000-000000000000', 'not-an-id', '%E4%BD%A0']) {
			const r = await moderator.get(`/api/v1/sessions/${id}`);
			expect(r.status, `GET /sessions/${id}`).toBe(404);
			clientError(r);
		}
		clientError(await moderator.post('/api/v1/sessions', { title: 'x', kind: 'party', items: [] }));
		clientError(await moderator.post('/api/v1/sessions', { kind: 'live', items: [] }));
		clientError(await moderator.post('/api/v1/sessions', { title: 'x', kind: 'live', items: 'a' }));
		const clerk = await userClient(server, admin, 'clerk');
		expect(
			(await clerk.post('/api/v1/sessions', { title: 'x', kind: 'live', items: [{ title: 'a' }] }))
				.status
		).toBe(403);
	});

	it('[C2-INVITE] invites: 201 {id,url,role,expiresAt,maxUses}; DELETE 204 stops the link; join codes 404/410', async () => {
		const fx = await createSessionWithInvites(server, { asModerator: true });
		const created = await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/invites`, {
			role: 'resident',
			maxUses: 1,
			expiresInMinutes: 60
		});
		expect(created.status).toBe(201);
		const inv = created.body as {
			id: string;
			url: string;
			role: string;
			expiresAt: string | null;
			maxUses: number | null;
		};
		expect(inv).toMatchObject({ id: expect.any(String), role: 'resident', maxUses: 1 });
		expect(new Date(inv.expiresAt!).getTime()).toBeGreaterThan(Date.now());
		expect(inv.url).toMatch(new RegExp(`^${server.origin}/join/[^/?#]+$`));

		const plain = expectStatus<typeof inv>(
			await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/invites`, { role: 'observer' }),
			201
		);
		expect(plain).toMatchObject({ role: 'observer', expiresAt: null, maxUses: null });

		const joined = await new ApiClient(server).post(`/api/v1/join/${tokenOf(inv.url)}`, {
			name: '李阿姨'
		});
		expect(joined.status).toBe(200);
		expect(joined.body).toEqual({
			participant: { id: expect.any(String), name: '李阿姨', role: 'resident' },
			sessionId: fx.session.id
		});
		expect(joined.setCookies.some((c) => /^session=[^;]+/.test(c))).toBe(true);
		refused(
			await new ApiClient(server).post(`/api/v1/join/${tokenOf(inv.url)}`, { name: '第二人' }),
			410,
			'invite_used_up'
		);
		refused(
			await new ApiClient(server).post('/api/v1/join/no-such-token', { name: '某人' }),
			404,
			'invite_not_found'
		);
		clientError(
			await new ApiClient(server).post(`/api/v1/join/${tokenOf(plain.url)}`, { name: 42 })
		);

		const del = await fx.moderator.del(`/api/v1/invites/${plain.id}`);
		expect(del.status).toBe(204);
		expect(del.text).toBe('');
		refused(
			await new ApiClient(server).post(`/api/v1/join/${tokenOf(plain.url)}`, { name: '王' }),
			410,
			'invite_revoked'
		);
		// Another moderator (not of this session) may neither create nor revoke its invites.
		const stranger = await outsideModerator();
		const other = expectStatus<{ id: string }>(
			await stranger.post('/api/v1/sessions', {
				title: '别的会',
				kind: 'live',
				items: [{ title: 'a' }]
			}),
			201
		);
		expect(other.id).not.toBe(fx.session.id);
		expect([403, 404]).toContain(
			(await stranger.post(`/api/v1/sessions/${fx.session.id}/invites`, { role: 'resident' }))
				.status
		);
		expect([403, 404]).toContain((await stranger.del(`/api/v1/invites/${inv.id}`)).status);
		expect((await fx.moderator.del('/api/v1/invites/not-an-id')).status).toBe(404);
		clientError(
			await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/invites`, { role: 'emperor' })
		);
	});

	it('[C2-JOIN-PAGE] /join/<token> has a form field `name`; posting it 303s into the room without the token', async () => {
		const fx = await createSessionWithInvites(server, { roles: ['resident'] });
		const token = fx.invites.resident!.token;
		const page = await new ApiClient(server).get(`/join/${token}`, {
			headers: { accept: 'text/html' }
		});
		expect(page.status).toBe(200);
		expect(page.text).toMatch(/<input[^>]*name="name"/);
		const phone = new ApiClient(server);
		const posted = await phone.request('POST', `/join/${token}`, {
			body: new URLSearchParams({ name: '赵大爷' }).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }
		});
		expect(posted.status).toBe(303);
		const location = posted.headers.get('location') ?? '';
		expect(location).not.toContain(token);
		expect(phone.sessionCookie()).toBeTruthy();
		const read = await phone.get(`/api/v1/sessions/${fx.session.id}`);
		expect(read.status).toBe(200);
	});

	it('[C2-LOGOUT] logout → 204, cookie cleared, that session’s socket.io and /yjs sockets closed; signed out → 401', async () => {
		const mod = await userClient(server, admin, 'moderator');
		const session = expectStatus<Session>(
			await mod.post('/api/v1/sessions', { title: '登出', kind: 'live', items: [{ title: 'a' }] }),
			201
		);
		const socket = await open(mod);
		const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));
		const doc = new Y.Doc();
		const provider = yjsProvider(server, mod, session.items[0]!.docName, doc);
		await whenSynced(provider);
		const docClosed = new Promise<void>((resolve) =>
			provider.on('status', ({ status }: { status: string }) => {
				if (status === 'disconnected') resolve();
			})
		);
		const res = await mod.logout();
		expect(res.status).toBe(204);
		expect(res.setCookies.some((c) => /^session=/.test(c))).toBe(true);
		expect(mod.sessionCookie()).toBeUndefined();
		await closed;
		await docClosed;
		provider.destroy();
		expect((await mod.get('/api/v1/notifications')).status).toBe(401);
		refused(await new ApiClient(server).post('/api/v1/logout'), 401, 'unauthorized');
	});

	it('[C3-JOIN] session:join acks {ok:true, state:{participants:[{id,name,role,online}], items, currentItemId}}; bad payload invalid_payload', async () => {
		const fx = await createSessionWithInvites(server, { roles: ['resident', 'observer'] });
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const s = await open(wang);
		const ack = (await emitAck(s, 'session:join', { sessionId: fx.session.id })) as {
			ok: boolean;
			state: {
				participants: { id: string; name: string; role: string; online: boolean }[];
				items: unknown[];
				currentItemId: string | null;
			};
		};
		expect(ack.ok).toBe(true);
		expect(ack.state.participants).toContainEqual(
			expect.objectContaining({
				id: wang.participant.id,
				name: '王阿姨',
				role: 'resident',
				online: true
			})
		);
		expect(Array.isArray(ack.state.items)).toBe(true);
		expect(ack.state).toHaveProperty('currentItemId');

		for (const bad of [{}, { sessionId: 42 }, null, 'x']) {
			const answer = (await emitAck(s, 'session:join', bad as never)) as {
				ok: boolean;
				error?: { code: string; message: string };
			};
			expect(answer).toEqual({
				ok: false,
				error: { code: 'invalid_payload', message: expect.any(String) }
			});
		}
		const presence = nextEvent(s, 'presence', 10_000, (p) =>
			p.participants.some((x) => x.name === '观察员' && x.online)
		);
		const obs = await joinAs(server, fx.invites.observer!.token, '观察员');
		const so = await open(obs);
		expect((await emitAck(so, 'session:join', { sessionId: fx.session.id })).ok).toBe(true);
		const seen = await presence;
		expect(seen.participants).toContainEqual(
			expect.objectContaining({ id: obs.participant.id, role: 'observer', online: true })
		);
		// Observers write nothing (§2): no hand, no statement.
		expect(await emitAck(so, 'hand:raise', {})).toMatchObject({ ok: false });
		expect(
			(await obs.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: '我也说' })).status
		).toBe(403);
	});

	it('[C3-DOC] /yjs/<docName>: the item body is in Y.XmlFragment("prosemirror"); edits travel; an observer’s do not', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['resident', 'observer'],
			items: [{ title: '加装电梯', body: '每户分摊按面积计算' }]
		});
		const docName = fx.session.items[0]!.docName;
		const wang = await joinAs(server, fx.invites.resident!.token, '王');
		const obs = await joinAs(server, fx.invites.observer!.token, '观察');
		const docs = [new Y.Doc(), new Y.Doc()];
		const providers = [
			yjsProvider(server, wang, docName, docs[0]!),
			yjsProvider(server, obs, docName, docs[1]!)
		];
		try {
			await Promise.all(providers.map((p) => whenSynced(p)));
			for (const d of docs) {
				expect(d.getXmlFragment('prosemirror').toString()).toContain('每户分摊按面积计算');
			}
			const para = (text: string) => {
				const p = new Y.XmlElement('paragraph');
				p.insert(0, [new Y.XmlText(text)]);
				return p;
			};
			docs[1]!.getXmlFragment('prosemirror').insert(0, [para('观察员偷改')]);
			await roundTrip(providers[1]!);
			docs[0]!.getXmlFragment('prosemirror').insert(0, [para('王的修改')]);
			await roundTrip(providers[0]!);
			await eventually(
				() => docs[1]!.getXmlFragment('prosemirror').toString().includes('王的修改'),
				10_000,
				'the edit reaches the observer'
			);
			await roundTrip(providers[0]!);
			expect(docs[0]!.getXmlFragment('prosemirror').toString()).not.toContain('观察员偷改');
		} finally {
			for (const p of providers) p.destroy();
		}
	});

	it('[C4-CHAIN] statements, minutes and close: {id} answers; a chain anyone re-walks; public once closed', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['resident'],
			asModerator: true
		});
		const clerk = await userClient(server, admin, 'clerk');
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const st = await wang.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: '同意' });
		expect(st.status).toBe(201);
		expect(st.body).toEqual({ id: expect.any(String) });
		const mins = await clerk.post(`/api/v1/sessions/${fx.session.id}/minutes`, {
			text: '记录：多数同意',
			speaker: '王阿姨'
		});
		expect(mins.status).toBe(201);
		expect(mins.body).toEqual({ id: expect.any(String) });
		expect(
			(await wang.post(`/api/v1/sessions/${fx.session.id}/minutes`, { text: '我来记' })).status
		).toBe(403);
		clientError(await wang.post(`/api/v1/sessions/${fx.session.id}/statements`, {}));
		clientError(await wang.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: 7 }));

		expect((await anon.get(`/api/v1/sessions/${fx.session.id}/transcript`)).status).not.toBe(200);
		expect((await wang.post(`/api/v1/sessions/${fx.session.id}/close`)).status).toBe(403);
		const closed = await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`);
		expect(closed.status).toBe(200);
		expect(closed.body).toMatchObject({ id: fx.session.id, status: 'closed' });
		expect((closed.body as Session).items).toHaveLength(fx.session.items.length);

		const pub = await anon.get(`/api/v1/sessions/${fx.session.id}`);
		expect(pub.status).toBe(200);
		expect(pub.body).toMatchObject({ id: fx.session.id, status: 'closed' });
		const t = expectStatus<Transcript>(
			await anon.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		expect(t.sessionId).toBe(fx.session.id);
		expect(t.entries.length).toBeGreaterThanOrEqual(3);
		expect(t.entries[0]!.prevHash).toBe(ZERO);
		expect(walk(t.entries)).toBe(t.head);
		for (const e of t.entries) {
			expect(Object.keys(e)).toEqual(
				expect.arrayContaining(['seq', 'at', 'type', 'actor', 'data', 'prevHash', 'hash'])
			);
			expect(Number.isNaN(Date.parse(e.at))).toBe(false);
		}
		expect((await anon.get('/api/v1/sessions/not-an-id/transcript')).status).toBe(404);

		// §4: `npm run verify` re-walks a saved answer offline — even when the origin the answer
		// names cannot be reached from where it is checked.
		const saved = { ...(t as unknown as Record<string, unknown>), origin: 'http://127.0.0.1:9' };
		const ok = await runVerify(saved);
		expect(ok.code, ok.err).toBe(0);
		expect(ok.out.split('\n').pop()).toBe(t.head);
		const key = expectStatus<{ publicKey: string }>(
			await anon.get('/api/v1/transparency/key'),
			200
		).publicKey;
		expect((await runVerify(saved, ['--key', key])).code).toBe(0);
		const bad = structuredClone(t);
		bad.entries[1]!.at = new Date(0).toISOString();
		const broken = await runVerify(bad, ['--key', key]);
		expect(broken.code).toBe(1);
		expect(broken.err).toMatch(/\bseq 2\b/);
	});

	it('[C4-ESC] escalation: 201 {id, status:"submitted", deadline}; list and case shapes; 409 invalid_transition; public once answered', async () => {
		const fx = await createSessionWithInvites(server, { roles: ['resident'], asModerator: true });
		const street = await userClient(server, admin, 'street');
		const item = fx.session.items[0]!;
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${item.id}/status`, { status: 'unresolved' }),
			200
		);
		const res = await fx.moderator.post(`/api/v1/items/${item.id}/escalations`, {
			note: '需要街道协调'
		});
		expect(res.status).toBe(201);
		const esc = res.body as { id: string; status: string; deadline: string };
		expect(esc).toMatchObject({ id: expect.any(String), status: 'submitted' });
		expect(Number.isNaN(Date.parse(esc.deadline))).toBe(false);

		const list = expectStatus<Record<string, unknown>[]>(
			await street.get('/api/v1/escalations'),
			200
		);
		expect(list).toContainEqual(
			expect.objectContaining({
				id: esc.id,
				status: 'submitted',
				deadline: esc.deadline,
				overdue: false,
				itemTitle: item.title,
				communityId: fx.session.communityId
			})
		);
		const one = expectStatus<Record<string, unknown>>(
			await street.get(`/api/v1/escalations/${esc.id}`),
			200
		);
		for (const key of [
			'id',
			'status',
			'deadline',
			'overdue',
			'note',
			'item',
			'proposal',
			'votes'
		]) {
			expect(one).toHaveProperty(key);
		}
		const tr = one.transcript as { entries: Entry[]; head: string };
		expect(walk(tr.entries)).toBe(tr.head);
		expect([401, 403, 404]).toContain((await anon.get(`/api/v1/escalations/${esc.id}`)).status);

		refused(
			await street.post(`/api/v1/escalations/${esc.id}/answer`, { text: '太早' }),
			409,
			'invalid_transition'
		);
		refused(await street.post(`/api/v1/escalations/${esc.id}/close`), 409, 'invalid_transition');
		expect((await fx.moderator.post(`/api/v1/escalations/${esc.id}/accept`)).status).toBe(403);
		const accepted = await street.post(`/api/v1/escalations/${esc.id}/accept`);
		expect(accepted.status).toBe(200);
		expect(accepted.body).toMatchObject({ id: esc.id, status: 'accepted' });
		refused(await street.post(`/api/v1/escalations/${esc.id}/accept`), 409, 'invalid_transition');
		expect((await street.post(`/api/v1/escalations/${esc.id}/start`)).status).toBe(200);
		clientError(await street.post(`/api/v1/escalations/${esc.id}/answer`, {}));
		const answered = await street.post(`/api/v1/escalations/${esc.id}/answer`, {
			text: '街道将于下周协调施工方'
		});
		expect(answered.status).toBe(200);
		expect(answered.body).toMatchObject({ id: esc.id, answer: expect.anything() });
		const pub = expectStatus<Record<string, unknown>>(
			await anon.get(`/api/v1/escalations/${esc.id}`),
			200
		);
		expect(JSON.stringify(pub.answer)).toContain('街道将于下周协调施工方');
		const closed = await street.post(`/api/v1/escalations/${esc.id}/close`);
		expect(closed.status).toBe(200);
		expect((closed.body as { status: string }).status).toBe('closed');
		expect((await street.get('/api/v1/escalations/not-an-id')).status).toBe(404);
		expect((await street.post('/api/v1/escalations/not-an-id/accept')).status).toBe(404);
	});

	it('[C4-SEARCH] search answers {results:[{sessionId, kind, title, snippet}]}; an empty or odd q is no 500', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['resident'],
			title: '垃圾分类议事会'
		});
		const wang = await joinAs(server, fx.invites.resident!.token, '王');
		expectStatus(
			await wang.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: '厨余垃圾桶太少' }),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`), 200);
		const found = await eventually(
			async () => {
				const r = expectStatus<{ results: Record<string, unknown>[] }>(
					await anon.get(`/api/v1/search?q=${encodeURIComponent('垃圾分类')}`),
					200
				);
				return r.results.find((x) => x.sessionId === fx.session.id);
			},
			15_000,
			'the closed session is found'
		);
		expect(found).toMatchObject({
			sessionId: fx.session.id,
			kind: expect.any(String),
			title: expect.any(String),
			snippet: expect.any(String)
		});
		// Only what is public: a session still open is not searchable, whoever asks.
		const sealed = await createSessionWithInvites(server, {
			roles: [],
			title: '后来闭会的议题'
		});
		expectStatus(await sealed.moderator.post(`/api/v1/sessions/${sealed.session.id}/close`), 200);
		const still = await createSessionWithInvites(server, { roles: [], title: '仍在进行的议事' });
		await eventually(
			async () => {
				const r = await anon.get(`/api/v1/search?q=${encodeURIComponent('后来闭会的议题')}`);
				return (r.body as { results: { sessionId: string }[] }).results.some(
					(x) => x.sessionId === sealed.session.id
				);
			},
			15_000,
			'the index caught up with a later close'
		);
		const none = expectStatus<{ results: { sessionId?: string }[] }>(
			await anon.get(`/api/v1/search?q=${encodeURIComponent('仍在进行的议事')}`),
			200
		);
		expect(none.results.filter((x) => x.sessionId === still.session.id)).toEqual([]);
		for (const q of ['', '%', '"', "'; drop table x;--", 'a'.repeat(2000)]) {
			const r = await anon.get(`/api/v1/search?q=${encodeURIComponent(q)}`);
			expect(r.status, `q=${q.slice(0, 20)}`).toBeLessThan(500);
		}
		expect((await anon.get('/api/v1/search')).status).toBeLessThan(500);
	});

	it('[C5-MEETING] register, seats, a vote from draft to closed with the tally shape; ballots list equals counts (§8)', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['owner', 'resident'],
			asModerator: true
		});
		const community = fx.session.communityId!;
		const item = fx.session.items[0]!;
		const csv = (body: string) =>
			fx.moderator.request('POST', `/api/v1/communities/${community}/households`, {
				body,
				headers: { 'content-type': 'text/csv' }
			});
		const bad = await csv('building,unit,area,owner\n1栋,101,80.5,业主甲\n1栋,102,-3,业主乙\n');
		expect(bad.status).toBe(200);
		expect(bad.body).toEqual({
			imported: 0,
			errors: [{ line: 3, message: expect.any(String) }]
		});
		const good = await csv(
			'building,unit,area,owner\n1栋,101,80.5,业主甲\n1栋,102,99.25,业主乙\n1栋,103,60,业主丙\n'
		);
		expect(good.status).toBe(200);
		expect(good.body).toEqual({ imported: 3, errors: [] });
		const households = expectStatus<
			{
				id: string;
				building: string;
				unit: string;
				area: number;
				owner: string;
				seatCode: string;
			}[]
		>(await fx.moderator.get(`/api/v1/communities/${community}/households`), 200);
		expect(households).toHaveLength(3);
		expect(households.map((h) => h.area).sort()).toEqual([60, 80.5, 99.25]);
		for (const h of households) {
			expect(h).toMatchObject({
				id: expect.any(String),
				building: '1栋',
				unit: expect.any(String),
				owner: expect.any(String),
				seatCode: expect.any(String)
			});
		}
		const byUnit = new Map(households.map((h) => [h.unit, h]));
		expect(households.map((h) => h.owner).sort()).toEqual(['业主丙', '业主乙', '业主甲']);
		// §8: owner values reach the community's moderators only; a clerk (who may import the
		// register and print slips) reads one stable pseudonym per owner instead.
		const clerk = await userClient(server, admin, 'clerk');
		const clerkView = await clerk.get(`/api/v1/communities/${community}/households`);
		expect(clerkView.status).toBe(200);
		for (const name of ['业主甲', '业主乙', '业主丙']) expect(clerkView.text).not.toContain(name);
		const pseudonyms = (clerkView.body as { id: string; owner: string }[]).map((h) => h.owner);
		expect(new Set(pseudonyms).size).toBe(3);
		const owner = await joinAs(server, fx.invites.owner!.token, '业主甲');
		expect((await owner.get(`/api/v1/communities/${community}/households`)).status).toBe(403);
		const seat = await owner.post(`/api/v1/sessions/${fx.session.id}/seats`, {
			seatCode: byUnit.get('101')!.seatCode
		});
		expect(seat.status).toBe(200);
		expect(seat.body).toMatchObject({ householdId: byUnit.get('101')!.id });
		const owner2 = await joinAs(server, fx.invites.owner!.token, '冒名者');
		refused(
			await owner2.post(`/api/v1/sessions/${fx.session.id}/seats`, {
				seatCode: byUnit.get('101')!.seatCode
			}),
			409,
			'seat_taken'
		);
		clientError(await owner2.post(`/api/v1/sessions/${fx.session.id}/seats`, {}));
		expectStatus(
			await owner2.post(`/api/v1/sessions/${fx.session.id}/seats`, {
				seatCode: byUnit.get('102')!.seatCode
			}),
			200
		);

		const seatsForClerk = await clerk.get(`/api/v1/sessions/${fx.session.id}/seats`);
		expect(seatsForClerk.status).toBe(200);
		expect(seatsForClerk.body).toHaveLength(2);
		for (const name of ['业主甲', '业主乙']) expect(seatsForClerk.text).not.toContain(name);
		expect(
			(
				(await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/seats`)).body as {
					ownerKey: string;
				}[]
			)
				.map((x) => x.ownerKey)
				.sort()
		).toEqual(['业主乙', '业主甲']);

		// Item status and current item (§5).
		const st = await fx.moderator.post(`/api/v1/items/${item.id}/status`, { status: 'discussing' });
		expect(st.status).toBe(200);
		expect(st.body).toMatchObject({ id: item.id });
		clientError(await fx.moderator.post(`/api/v1/items/${item.id}/status`, { status: 'bogus' }));
		expect(
			(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/current`, { itemId: item.id }))
				.status
		).toBe(200);
		expect(
			(await owner.post(`/api/v1/sessions/${fx.session.id}/current`, { itemId: item.id })).status
		).toBe(403);

		const created = await fx.moderator.post(`/api/v1/items/${item.id}/votes`, {
			question: '是否加装电梯',
			kind: 'yes_no_abstain',
			secret: false,
			tally: 'live',
			eligibility: 'households',
			rule: { kind: 'majority_cast' }
		});
		expect(created.status).toBe(201);
		const vote = created.body as {
			id: string;
			status: string;
			options: { id: string; label: string }[];
		};
		expect(vote.status).toBe('draft');
		expect(vote.options.map((o) => o.id)).toEqual(['yes', 'no', 'abstain']);
		for (const o of vote.options) expect(o.label).toEqual(expect.any(String));
		clientError(
			await fx.moderator.post(`/api/v1/items/${item.id}/votes`, { question: 'x', kind: 'dice' })
		);
		expect(
			(
				await owner.post(`/api/v1/items/${item.id}/votes`, {
					question: 'x',
					kind: 'yes_no_abstain',
					secret: false,
					tally: 'live',
					eligibility: 'participants',
					rule: { kind: 'majority_cast' }
				})
			).status
		).toBe(403);

		const draft = expectStatus<Tally>(await fx.moderator.get(`/api/v1/votes/${vote.id}`), 200);
		expect(draft).toMatchObject({ voteId: vote.id, status: 'draft' });
		const opened = await fx.moderator.post(`/api/v1/votes/${vote.id}/open`);
		expect(opened.status).toBe(200);
		const t0 = opened.body as Tally;
		expect(t0).toMatchObject({
			voteId: vote.id,
			status: 'open',
			participation: {
				headcount: 0,
				area: 0,
				eligibleHeadcount: 3,
				eligibleArea: 239.75
			}
		});
		expect(Object.keys(t0.counts!).sort()).toEqual(['abstain', 'no', 'yes']);
		expect(t0.counts!.yes).toEqual({ headcount: 0, area: 0 });
		expect(t0.result).toBeUndefined();

		const so = await open(owner);
		expect((await emitAck(so, 'session:join', { sessionId: fx.session.id })).ok).toBe(true);
		const tallied = nextEvent(so, 'vote:tally', 10_000, (t) => t.voteId === vote.id);
		const ack = (await emitAck(so, 'ballot:cast', { voteId: vote.id, choice: 'yes' })) as {
			ok: boolean;
			receipt?: string;
		};
		expect(ack.ok).toBe(true);
		expect(ack.receipt).toEqual(expect.any(String));
		const pushed = (await tallied) as Tally;
		expect(pushed.voteId).toBe(vote.id);
		const bogus = (await emitAck(so, 'ballot:cast', { voteId: vote.id, choice: 'maybe' })) as {
			ok: boolean;
			error?: { code: string };
		};
		expect(bogus.ok).toBe(false);
		expect(bogus.error!.code).toMatch(/^[a-z_]+$/);
		expect(await emitAck(so, 'ballot:cast', { voteId: 123 } as never)).toEqual({
			ok: false,
			error: { code: 'invalid_payload', message: expect.any(String) }
		});

		const s2 = await open(owner2);
		expect((await emitAck(s2, 'session:join', { sessionId: fx.session.id })).ok).toBe(true);
		expect((await emitAck(s2, 'ballot:cast', { voteId: vote.id, choice: 'no' })).ok).toBe(true);
		const paper = await fx.moderator.post(`/api/v1/votes/${vote.id}/paper-ballots`, {
			householdId: byUnit.get('103')!.id,
			choice: 'yes'
		});
		expect(paper.status).toBeLessThan(300);
		expect(
			(
				await owner.post(`/api/v1/votes/${vote.id}/paper-ballots`, {
					householdId: byUnit.get('103')!.id,
					choice: 'no'
				})
			).status
		).toBe(403);

		// Before close the ballot list is not public.
		expect((await anon.get(`/api/v1/votes/${vote.id}/ballots`)).status).toBeGreaterThanOrEqual(400);
		const closedRes = await fx.moderator.post(`/api/v1/votes/${vote.id}/close`);
		expect(closedRes.status).toBe(200);
		const tally = closedRes.body as Tally;
		expect(tally).toMatchObject({ voteId: vote.id, status: 'closed' });
		expect(tally.counts).toEqual({
			yes: { headcount: 2, area: 140.5 },
			no: { headcount: 1, area: 99.25 },
			abstain: { headcount: 0, area: 0 }
		});
		expect(tally.participation).toEqual({
			headcount: 3,
			area: 239.75,
			eligibleHeadcount: 3,
			eligibleArea: 239.75
		});
		expect(tally.result!.passed).toBe(true);
		for (const c of tally.result!.checks) {
			expect(c).toMatchObject({
				name: expect.any(String),
				value: expect.anything(),
				required: expect.anything(),
				ok: expect.any(Boolean)
			});
		}
		expect(expectStatus<Tally>(await fx.moderator.get(`/api/v1/votes/${vote.id}`), 200)).toEqual(
			tally
		);

		// §8: the public ballot list sums to the tally's counts and its hash is in vote_closed.
		const list = expectStatus<{
			voteId: string;
			ballots: { receipt: string; choice: string; headcount: number; area: number }[];
		}>(await anon.get(`/api/v1/votes/${vote.id}/ballots`), 200);
		expect(list.voteId).toBe(vote.id);
		const sums: Record<string, { headcount: number; area: number }> = {};
		for (const o of vote.options) sums[o.id] = { headcount: 0, area: 0 };
		for (const b of list.ballots) {
			const s = sums[b.choice]!;
			s.headcount += b.headcount;
			s.area = Math.round((s.area + b.area) * 100) / 100;
		}
		expect(sums).toEqual(tally.counts);
		expect(list.ballots.map((b) => b.receipt)).toContain(ack.receipt);

		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`), 200);
		expect(expectStatus<Tally>(await anon.get(`/api/v1/votes/${vote.id}`), 200)).toEqual(tally);
		const tr = expectStatus<Transcript>(
			await anon.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		walk(tr.entries);
		const closing = tr.entries.find(
			(e) => e.type === 'vote_closed' && JSON.stringify(e.data).includes(vote.id)
		);
		expect(closing, 'a vote_closed entry').toBeDefined();
		const fullList = (await anon.get(`/api/v1/votes/${vote.id}/ballots`)).text;
		const ballotsHash = sha256(jcs(JSON.parse(fullList)));
		expect(JSON.stringify(closing!.data)).toContain(ballotsHash);
		// Personal data (§8): no public answer carries an owner value.
		for (const text of [JSON.stringify(tr), fullList, JSON.stringify(tally)]) {
			for (const name of ['业主甲', '业主乙', '业主丙']) {
				if (text.includes(name)) {
					// 业主甲 is also the participant's chosen display name; owners' register values
					// must not appear beside a unit.
					expect(text).not.toMatch(new RegExp(`"owner":"${name}"`));
				}
			}
		}
		expect((await anon.get('/api/v1/votes/not-an-id')).status).toBe(404);
		expect((await anon.get('/api/v1/votes/not-an-id/ballots')).status).toBe(404);
	});

	it('[C5-HIDDEN] a hidden tally omits counts while open and shows them on close', async () => {
		const fx = await createSessionWithInvites(server, { roles: ['resident'] });
		const wang = await joinAs(server, fx.invites.resident!.token, '王');
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '隐藏计票',
				kind: 'single',
				options: [{ label: '甲' }, { label: '乙' }],
				secret: true,
				tally: 'hidden',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		const opened = expectStatus<Tally>(
			await fx.moderator.post(`/api/v1/votes/${vote.id}/open`),
			200
		);
		expect(opened.status).toBe('open');
		expect(opened).not.toHaveProperty('counts');
		const s = await open(wang);
		expect((await emitAck(s, 'session:join', { sessionId: fx.session.id })).ok).toBe(true);
		const options = expectStatus<{ options?: { id: string }[] }>(
			await fx.moderator.get(`/api/v1/votes/${vote.id}`),
			200
		);
		expect(options).not.toHaveProperty('counts');
		const v = expectStatus<{ id: string; options: { id: string }[] }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '另一票',
				kind: 'single',
				options: [{ label: '甲' }, { label: '乙' }],
				secret: false,
				tally: 'hidden',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expect(v.options.map((o) => o.id)).toHaveLength(2);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${v.id}/open`), 200);
		const ack = await emitAck(s, 'ballot:cast', { voteId: v.id, choice: v.options[0]!.id });
		expect(ack.ok).toBe(true);
		const mid = expectStatus<Tally>(await wang.get(`/api/v1/votes/${v.id}`), 200);
		expect(mid).not.toHaveProperty('counts');
		expect(mid.participation.headcount).toBe(1);
		const closed = expectStatus<Tally>(await fx.moderator.post(`/api/v1/votes/${v.id}/close`), 200);
		expect(closed.counts![v.options[0]!.id]).toEqual({ headcount: 1, area: 0 });
		expect(closed.result).toBeDefined();

		// §4: closing the session closes its open votes; then anyone reads them.
		expect((await anon.get(`/api/v1/votes/${vote.id}`)).status).not.toBe(200);
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`), 200);
		const swept = expectStatus<Tally>(await anon.get(`/api/v1/votes/${vote.id}`), 200);
		expect(swept.status).toBe('closed');
		expect(swept.counts).toBeDefined();
		expect(swept.result).toBeDefined();
	});

	it('[C8-KEY] GET /transparency/key → {alg:"Ed25519", publicKey}; signedHead verifies; the head log chains and pages with after', async () => {
		const key = expectStatus<{ alg: string; publicKey: string }>(
			await anon.get('/api/v1/transparency/key'),
			200
		);
		expect(key).toEqual({ alg: 'Ed25519', publicKey: expect.any(String) });
		expect(Buffer.from(key.publicKey, 'base64')).toHaveLength(32);

		const fx = await createSessionWithInvites(server, { roles: ['resident'] });
		const wang = await joinAs(server, fx.invites.resident!.token, '王');
		expectStatus(
			await wang.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: '签名测试' }),
			201
		);
		const t = expectStatus<Transcript>(
			await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		expect(t.signedHead).toEqual({
			sessionId: fx.session.id,
			seq: t.entries.length,
			head: t.head,
			at: expect.any(String),
			signature: expect.any(String)
		});
		expect(signatureHolds(key.publicKey, t.signedHead)).toBe(true);
		expect(signatureHolds(key.publicKey, { ...t.signedHead, head: ZERO })).toBe(false);

		const all = expectStatus<{
			entries: (SignedHead & { n: number; prevHash: string; hash: string })[];
		}>(await anon.get('/api/v1/transparency/heads?after=0'), 200);
		expect(all.entries.length).toBeGreaterThan(0);
		let prev = ZERO;
		for (const [i, e] of all.entries.entries()) {
			expect(Object.keys(e).sort()).toEqual(
				['at', 'hash', 'head', 'n', 'prevHash', 'seq', 'sessionId', 'signature'].sort()
			);
			expect(e.n).toBe(i + 1);
			expect(e.prevHash).toBe(prev);
			const body = jcs({
				n: e.n,
				sessionId: e.sessionId,
				seq: e.seq,
				head: e.head,
				at: e.at,
				signature: e.signature
			});
			expect(e.hash).toBe(sha256(prev + body));
			expect(signatureHolds(key.publicKey, e)).toBe(true);
			prev = e.hash;
		}
		expect(all.entries).toContainEqual(expect.objectContaining(t.signedHead));
		const noParam = expectStatus<{ entries: unknown[] }>(
			await anon.get('/api/v1/transparency/heads'),
			200
		);
		expect(noParam.entries).toEqual(all.entries);
		const tail = expectStatus<{ entries: { n: number }[] }>(
			await anon.get(`/api/v1/transparency/heads?after=${all.entries.length - 1}`),
			200
		);
		expect(tail.entries).toEqual([all.entries[all.entries.length - 1]]);
		for (const bad of ['-1', 'x', '1.5', '1e3', '0x10', ' 7', '99999999999999999999']) {
			refused(
				await anon.get(`/api/v1/transparency/heads?after=${encodeURIComponent(bad)}`),
				400,
				'invalid_payload'
			);
		}
	});

	it('[C8-SCOPE] streets and communities; staff act only inside theirs (403/404); sessions land in the moderator’s community', async () => {
		const streetRes = await admin.post('/api/v1/streets', { name: `南街道-${Date.now()}` });
		expect(streetRes.status).toBe(201);
		const street = streetRes.body as { id: string; name: string };
		expect(street).toEqual({ id: expect.any(String), name: expect.stringMatching(/^南街道/) });
		const commRes = await admin.post(`/api/v1/streets/${street.id}/communities`, { name: '柳园' });
		expect(commRes.status).toBe(201);
		const community = commRes.body as { id: string; name: string; streetId: string };
		expect(community).toEqual({ id: expect.any(String), name: '柳园', streetId: street.id });
		clientError(await admin.post('/api/v1/streets', {}));
		clientError(await admin.post(`/api/v1/streets/${street.id}/communities`, {}));
		expect((await admin.post('/api/v1/streets/nope/communities', { name: 'x' })).status).toBe(404);
		const modRes = await admin.post('/api/v1/users', {
			username: `liu-mod-${Date.now()}`,
			password: 'pw-long-enough-9',
			role: 'moderator',
			communityId: community.id
		});
		expect(modRes.status).toBe(201);
		const liuMod = new ApiClient(server);
		expectStatus(
			await liuMod.login((modRes.body as { username: string }).username, 'pw-long-enough-9'),
			200
		);
		const stRes = await admin.post('/api/v1/users', {
			username: `south-${Date.now()}`,
			password: 'pw-long-enough-8',
			role: 'street',
			streetId: street.id
		});
		expect(stRes.status).toBe(201);
		const southStreet = new ApiClient(server);
		expectStatus(
			await southStreet.login((stRes.body as { username: string }).username, 'pw-long-enough-8'),
			200
		);
		refused(
			await admin.post('/api/v1/users', {
				username: `x-${Date.now()}`,
				password: 'pw-long-enough-7',
				role: 'moderator',
				communityId: 'no-such-community'
			}),
			404,
			'community_not_found'
		);
		refused(
			await admin.post('/api/v1/users', {
				username: `y-${Date.now()}`,
				password: 'pw-long-enough-7',
				role: 'street',
				streetId: 'no-such-street'
			}),
			404,
			'street_not_found'
		);

		// The moderator's session lands in their community, whatever they ask.
		const mine = expectStatus<Session>(
			await liuMod.post('/api/v1/sessions', {
				title: '柳园会',
				kind: 'live',
				items: [{ title: 'a' }]
			}),
			201
		);
		expect(
			expectStatus<Session>(await liuMod.get(`/api/v1/sessions/${mine.id}`), 200).communityId
		).toBe(community.id);
		// A session of the default community, its invites, register and votes are out of reach.
		const fx = await createSessionWithInvites(server, { roles: ['resident'] });
		const home = fx.session.communityId!;
		expect(home).not.toBe(community.id);
		expect(
			(
				await liuMod.post('/api/v1/sessions', {
					title: 'x',
					kind: 'live',
					items: [{ title: 'a' }],
					communityId: home
				})
			).status
		).toBe(403);
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '越界',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		const outside: [string, string, unknown?][] = [
			['GET', `/api/v1/sessions/${fx.session.id}`],
			['POST', `/api/v1/sessions/${fx.session.id}/invites`, { role: 'resident' }],
			['DELETE', `/api/v1/invites/${fx.invites.resident!.id}`],
			['GET', `/api/v1/communities/${home}/households`],
			['POST', `/api/v1/communities/${home}/households`],
			[
				'POST',
				`/api/v1/items/${fx.session.items[0]!.id}/votes`,
				{
					question: 'q',
					kind: 'yes_no_abstain',
					secret: false,
					tally: 'live',
					eligibility: 'participants',
					rule: { kind: 'majority_cast' }
				}
			],
			['POST', `/api/v1/votes/${vote.id}/open`],
			['POST', `/api/v1/votes/${vote.id}/close`],
			['GET', `/api/v1/votes/${vote.id}`],
			['POST', `/api/v1/sessions/${fx.session.id}/close`],
			['POST', `/api/v1/sessions/${fx.session.id}/current`, { itemId: fx.session.items[0]!.id }],
			['POST', `/api/v1/items/${fx.session.items[0]!.id}/status`, { status: 'discussing' }]
		];
		for (const [method, path, json] of outside) {
			const res =
				method === 'POST' && path.endsWith('/households')
					? await liuMod.request('POST', path, {
							body: 'building,unit,area,owner\n1,101,50,x\n',
							headers: { 'content-type': 'text/csv' }
						})
					: await liuMod.request(method, path, json === undefined ? {} : { json });
			expect([403, 404], `${method} ${path} → ${res.status} ${res.text.slice(0, 120)}`).toContain(
				res.status
			);
			clientError(res);
		}
		// Still a draft, invite still works, register still empty: nothing happened.
		expect(
			expectStatus<Tally>(await fx.moderator.get(`/api/v1/votes/${vote.id}`), 200).status
		).toBe('draft');
		expectStatus(
			await new ApiClient(server).post(`/api/v1/join/${fx.invites.resident!.token}`, {
				name: '还能进'
			}),
			200
		);

		// Another street's cases.
		const item = fx.session.items[0]!;
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${item.id}/status`, { status: 'unresolved' }),
			200
		);
		const esc = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${item.id}/escalations`, { note: '跨街道' }),
			201
		);
		const cases = expectStatus<{ id: string }[]>(await southStreet.get('/api/v1/escalations'), 200);
		expect(cases.map((c) => c.id)).not.toContain(esc.id);
		expect([403, 404]).toContain((await southStreet.get(`/api/v1/escalations/${esc.id}`)).status);
		for (const step of ['accept', 'start', 'close']) {
			expect([403, 404]).toContain(
				(await southStreet.post(`/api/v1/escalations/${esc.id}/${step}`)).status
			);
		}
		expect([403, 404]).toContain(
			(await southStreet.post(`/api/v1/escalations/${esc.id}/answer`, { text: 'x' })).status
		);
	});

	it('[C8-HIDE] a hidden statement leaves every answer to the public; the reason stands in; the chain still verifies', async () => {
		const secret = '隐藏的话语七七八八';
		const fx = await createSessionWithInvites(server, { roles: ['resident'], asModerator: true });
		const wang = await joinAs(server, fx.invites.resident!.token, '王');
		const st = expectStatus<{ id: string }>(
			await wang.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: secret }),
			201
		);
		expect(
			(await wang.post('/api/v1/moderation/hide', { kind: 'statement', id: st.id, reason: 'x' }))
				.status
		).toBe(403);
		const stranger = await outsideModerator();
		expect([403, 404]).toContain(
			(
				await stranger.post('/api/v1/moderation/hide', {
					kind: 'statement',
					id: st.id,
					reason: 'x'
				})
			).status
		);
		clientError(
			await fx.moderator.post('/api/v1/moderation/hide', { kind: 'poem', id: st.id, reason: 'x' })
		);
		clientError(
			await fx.moderator.post('/api/v1/moderation/hide', { kind: 'statement', id: st.id })
		);
		expect(
			(
				await fx.moderator.post('/api/v1/moderation/hide', {
					kind: 'statement',
					id: 'nope',
					reason: 'x'
				})
			).status
		).toBe(404);
		const hidden = await fx.moderator.post('/api/v1/moderation/hide', {
			kind: 'statement',
			id: st.id,
			reason: '含人身攻击'
		});
		expect(hidden.status).toBe(200);
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`), 200);

		const t = await anon.get(`/api/v1/sessions/${fx.session.id}/transcript`);
		expect(t.status).toBe(200);
		expect(t.text).not.toContain(secret);
		expect(t.text).toContain('含人身攻击');
		const tr = t.body as Transcript;
		expect(walk(tr.entries)).toBe(tr.head);
		for (const path of [
			`/api/v1/sessions/${fx.session.id}`,
			`/api/v1/search?q=${encodeURIComponent(secret)}`,
			`/api/v1/search?q=${encodeURIComponent('七七八八')}`,
			`/api/v1/items/${fx.session.items[0]!.id}/comments`
		]) {
			for (const who of [anon, wang]) {
				const r = await who.get(path);
				expect(r.status, path).toBeLessThan(500);
				expect(r.text, path).not.toContain(secret);
			}
		}
		for (const page of [
			`/archive/s/${fx.session.id}`,
			`/s/${fx.session.id}`,
			`/c/${fx.session.communityId}`
		]) {
			const r = await anon.get(page, { headers: { accept: 'text/html' } });
			expect(r.text, page).not.toContain(secret);
		}
		// Staff still read it.
		expect((await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`)).text).toContain(
			secret
		);
	});
	it('[C5-QUEUE] hand:raise / hand:lower drive `queue {entries:[{participantId,kind,at}], speaking}`; a rejoin gets queue and tallies in state', async () => {
		const fx = await createSessionWithInvites(server, { roles: ['resident'] });
		const wang = await joinAs(server, fx.invites.resident!.token, '王');
		const s = await open(wang);
		expect((await emitAck(s, 'session:join', { sessionId: fx.session.id })).ok).toBe(true);
		const raised = nextEvent(s, 'queue', 10_000, (q) => q.entries.length === 1);
		expect(await emitAck(s, 'hand:raise', {})).toMatchObject({ ok: true });
		const q = await raised;
		expect(q.entries[0]).toEqual({
			participantId: wang.participant.id,
			kind: expect.any(String),
			at: expect.any(String)
		});
		expect(Number.isNaN(Date.parse(q.entries[0]!.at))).toBe(false);
		expect(q.speaking).toBeNull();
		expect(await emitAck(s, 'hand:raise', { kind: 'loud' } as never)).toEqual({
			ok: false,
			error: { code: 'invalid_payload', message: expect.any(String) }
		});

		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '重连后还在',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`), 200);
		expect((await emitAck(s, 'ballot:cast', { voteId: vote.id, choice: 'no' })).ok).toBe(true);
		s.disconnect();
		const again = await open(wang);
		const rejoin = (await emitAck(again, 'session:join', { sessionId: fx.session.id })) as {
			ok: true;
			state: {
				queue: { entries: { participantId: string }[] };
				votes: { id: string; current: Tally }[];
			};
		};
		expect(rejoin.ok).toBe(true);
		expect(rejoin.state.queue.entries.map((e) => e.participantId)).toEqual([wang.participant.id]);
		const mine = rejoin.state.votes.find((v) => v.id === vote.id)!;
		expect(mine.current.counts!.no!.headcount).toBe(1);

		const lowered = nextEvent(again, 'queue', 10_000, (x) => x.entries.length === 0);
		expect(await emitAck(again, 'hand:lower', {})).toMatchObject({ ok: true });
		expect((await lowered).entries).toEqual([]);
	});

	it('[C6-CLOUD] cloud session, extend, comments with their list shape, notifications and read → 204', async () => {
		const closesAt = new Date(Date.now() + 3 * 86_400_000).toISOString();
		const fx = await createSessionWithInvites(server, {
			roles: ['resident', 'observer'],
			kind: 'cloud',
			extra: { closesAt }
		});
		const li = await joinAs(server, fx.invites.resident!.token, '李');
		const later = new Date(Date.now() + 5 * 86_400_000).toISOString();
		const ext = await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/extend`, {
			closesAt: later
		});
		expect(ext.status).toBe(200);
		expect(ext.body).toMatchObject({ id: fx.session.id, kind: 'cloud' });
		expect(
			(await li.post(`/api/v1/sessions/${fx.session.id}/extend`, { closesAt: later })).status
		).toBe(403);
		const itemId = fx.session.items[0]!.id;
		const c = await li.post(`/api/v1/items/${itemId}/comments`, {
			text: '支持',
			stance: 'support'
		});
		expect(c.status).toBe(201);
		expect(c.body).toEqual({ id: expect.any(String) });
		const reply = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${itemId}/comments`, {
				text: '请说明理由',
				stance: 'question',
				replyTo: (c.body as { id: string }).id
			}),
			201
		);
		clientError(await li.post(`/api/v1/items/${itemId}/comments`, { text: 'x', stance: 'meh' }));
		const obs = await joinAs(server, fx.invites.observer!.token, '观察');
		expect(
			(await obs.post(`/api/v1/items/${itemId}/comments`, { text: 'x', stance: 'support' })).status
		).toBe(403);
		const list = expectStatus<Record<string, unknown>[]>(
			await li.get(`/api/v1/items/${itemId}/comments`),
			200
		);
		expect(list).toContainEqual(
			expect.objectContaining({
				id: (c.body as { id: string }).id,
				text: '支持',
				stance: 'support',
				author: expect.objectContaining({ name: '李', role: 'resident' }),
				resolved: false,
				at: expect.any(String)
			})
		);
		expect(list.find((x) => x.id === reply.id)).toMatchObject({
			replyTo: (c.body as { id: string }).id
		});
		expect([401, 403, 404]).toContain((await anon.get(`/api/v1/items/${itemId}/comments`)).status);
		expect(
			(await obs.post(`/api/v1/comments/${(c.body as { id: string }).id}/resolve`)).status
		).toBe(403);
		expect(
			(await li.post(`/api/v1/comments/${(c.body as { id: string }).id}/resolve`)).status
		).toBe(200);

		const feed = await eventually(
			async () => {
				const r = expectStatus<{ unread: number; items: { id: number | string; kind: string }[] }>(
					await li.get('/api/v1/notifications'),
					200
				);
				return r.items.some((n) => n.kind === 'session_extended') ? r : null;
			},
			10_000,
			'session_extended in the feed'
		);
		expect(feed.unread).toBeGreaterThan(0);
		for (const n of feed.items) {
			expect(n).toMatchObject({
				id: expect.anything(),
				kind: expect.any(String),
				at: expect.any(String),
				text: expect.any(String)
			});
		}
		const read = await li.post('/api/v1/notifications/read', { upTo: feed.items[0]!.id });
		expect(read.status).toBe(204);
		expect(
			expectStatus<{ unread: number }>(await li.get('/api/v1/notifications'), 200).unread
		).toBe(0);
		clientError(await li.post('/api/v1/notifications/read', {}));
		expect((await anon.get('/api/v1/notifications')).status).toBe(401);
	});

	it('[C6-OPINIONS] a community link joins as {participant, communityId}; opinions, hands, not_enough_hands, project, ratings, already_rated', async () => {
		const moderator = await userClient(server, admin, 'moderator');
		const community = 'default-community';
		const link = await moderator.post(`/api/v1/communities/${community}/invites`, {
			role: 'resident'
		});
		expect(link.status).toBe(201);
		const inv = link.body as { id: string; url: string };
		expect(inv.url).toMatch(new RegExp(`^${server.origin}/join/[^/?#]+$`));
		const joined = await new ApiClient(server).post(`/api/v1/join/${tokenOf(inv.url)}`, {
			name: '周'
		});
		expect(joined.status).toBe(200);
		expect(joined.body).toMatchObject({
			participant: { id: expect.any(String), name: '周', role: 'resident' },
			communityId: community
		});
		const zhou = await joinAs(server, tokenOf(inv.url), '周二');
		const op = await zhou.post(`/api/v1/communities/${community}/opinions`, {
			title: '增设快递柜',
			text: '快递总丢'
		});
		expect(op.status).toBe(201);
		const opinion = op.body as { id: string; deadline: string };
		expect(opinion).toEqual({ id: expect.any(String), deadline: expect.any(String) });
		clientError(await zhou.post(`/api/v1/communities/${community}/opinions`, { title: 'x' }));
		const board = expectStatus<Record<string, unknown>[]>(
			await anon.get(`/api/v1/communities/${community}/opinions`),
			200
		);
		expect(board.find((o) => o.id === opinion.id)).toMatchObject({
			id: opinion.id,
			title: '增设快递柜',
			text: '快递总丢',
			hands: 0,
			deadline: opinion.deadline,
			overdue: false
		});
		const h1 = await zhou.post(`/api/v1/opinions/${opinion.id}/hands`);
		expect(h1.status).toBe(200);
		expect(h1.body).toEqual({ hands: 1 });
		expect(expectStatus(await zhou.post(`/api/v1/opinions/${opinion.id}/hands`), 200)).toEqual({
			hands: 1
		});
		expect(expectStatus(await zhou.del(`/api/v1/opinions/${opinion.id}/hands`), 200)).toEqual({
			hands: 0
		});
		expect((await anon.post(`/api/v1/opinions/${opinion.id}/hands`)).status).toBe(401);
		refused(
			await moderator.post(`/api/v1/opinions/${opinion.id}/project`),
			409,
			'not_enough_hands'
		);
		expect(
			(await moderator.post(`/api/v1/opinions/${opinion.id}/responses`, { text: '已联系物业' }))
				.status
		).toBe(201);
		expect(
			(await zhou.post(`/api/v1/opinions/${opinion.id}/responses`, { text: '我答' })).status
		).toBe(403);
		expectStatus(
			await admin.request('PATCH', `/api/v1/communities/${community}`, {
				json: { opinionHandThreshold: 1 }
			}),
			200
		);
		expectStatus(await zhou.post(`/api/v1/opinions/${opinion.id}/hands`), 200);
		const made = await moderator.post(`/api/v1/opinions/${opinion.id}/project`);
		expect(made.status).toBe(201);
		const project = made.body as { projectId: string; sessionId: string };
		expect(project).toEqual({ projectId: expect.any(String), sessionId: expect.any(String) });
		expect(
			(await moderator.post(`/api/v1/projects/${project.projectId}/milestones`, { text: '已选址' }))
				.status
		).toBe(201);
		expect(
			(await moderator.post(`/api/v1/projects/${project.projectId}/notice`, { days: 3 })).status
		).toBe(200);
		expect(
			(
				await zhou.post(`/api/v1/projects/${project.projectId}/ratings`, {
					stars: 4,
					comment: '好'
				})
			).status
		).toBe(201);
		refused(
			await zhou.post(`/api/v1/projects/${project.projectId}/ratings`, { stars: 5 }),
			409,
			'already_rated'
		);
		clientError(await zhou.post(`/api/v1/projects/${project.projectId}/ratings`, { stars: 9 }));
		const pub = expectStatus<Record<string, unknown>>(
			await anon.get(`/api/v1/projects/${project.projectId}`),
			200
		);
		expect(pub).toMatchObject({
			id: project.projectId,
			title: expect.any(String),
			opinion: expect.anything(),
			sessions: expect.any(Array),
			milestones: expect.any(Array),
			notice: expect.anything(),
			rating: { average: 4, count: 1 }
		});
		expect((await anon.get('/api/v1/projects/not-an-id')).status).toBe(404);
		expectStatus(
			await admin.request('PATCH', `/api/v1/communities/${community}`, {
				json: { opinionHandThreshold: 10 }
			}),
			200
		);
	});

	// Last: it moves the server clock forward.
	it('[C2-EXPIRED] an invite past expiresInMinutes is 410 invite_expired', async () => {
		const fx = await createSessionWithInvites(server, { roles: [] });
		const inv = expectStatus<{ url: string }>(
			await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/invites`, {
				role: 'resident',
				expiresInMinutes: 5
			}),
			201
		);
		expectStatus(await admin.post('/api/v1/test/clock', { advanceSeconds: 6 * 60 }), 200);
		refused(
			await new ApiClient(server).post(`/api/v1/join/${tokenOf(inv.url)}`, { name: '迟到' }),
			410,
			'invite_expired'
		);
	});
});
