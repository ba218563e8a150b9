/**
 * Operations and the core API on the real production build (REFERENCE.md §1–3): health, logs,
 * shutdown, Origin checks, first-admin bootstrap, security headers, login → users → sessions →
 * invites → join → logout, and the realtime endpoints' handshakes. The API flow runs on every
 * available store (PGlite; Postgres when DATABASE_URL is set).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	ADMIN_PASSWORD,
	ADMIN_USER,
	ApiClient,
	adminClient,
	availableStores,
	connected,
	createSessionWithInvites,
	emitAck,
	eventually,
	expectStatus,
	joinAs,
	nextEvent,
	rawSocket,
	socketClient,
	startServer,
	tokenOf,
	upgradeStatus,
	userClient,
	whenSynced,
	yjsProvider,
	type ApiResponse,
	type ClientSocket,
	type InviteView,
	type JoinView,
	type ServerHandle,
	type SessionFixture,
	type SessionView
} from './harness';

const FOREIGN_ORIGIN = 'http://evil.example';

/** The error shape of REFERENCE.md §2: `{"error":{"code":"snake_case","message":"…"}}`. */
function expectError(res: ApiResponse, status: number, code?: string) {
	expect({ status: res.status, body: res.body }).toMatchObject({
		status,
		body: {
			error: { code: code ?? expect.stringMatching(/^[a-z0-9_]+$/), message: expect.any(String) }
		}
	});
}

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Writes one paragraph into the proposal fragment, as y-prosemirror would. */
function writeParagraph(doc: Y.Doc, text: string) {
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText(text)]);
	const fragment = doc.getXmlFragment('prosemirror');
	fragment.insert(fragment.length, [paragraph]);
}

function proposalText(doc: Y.Doc): string {
	return doc.getXmlFragment('prosemirror').toString();
}

function socketIoUrl(server: ServerHandle): string {
	return server.url('/socket.io/?EIO=4&transport=websocket').replace(/^http/, 'ws');
}

describe('operations (PGlite)', () => {
	let server: ServerHandle;
	let fixture: SessionFixture;
	let alice: ApiClient & JoinView;
	const sockets: ClientSocket[] = [];

	beforeAll(async () => {
		server = await startServer();
		fixture = await createSessionWithInvites(server, { roles: ['resident'] });
		alice = await joinAs(server, fixture.invites.resident!.token, '阿丽');
	});

	afterAll(async () => {
		for (const socket of sockets) socket.disconnect();
		await server?.dispose();
	});

	it('GET /healthz → 200 {"status":"ok"}', async () => {
		const res = await new ApiClient(server).get('/healthz');
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toMatch(/application\/json/);
		expect(res.body).toEqual({ status: 'ok' });
	});

	it('logs "listening" with its port and the default origin http://localhost:<port>', () => {
		const listening = server.logs.find((line) => line.msg === 'listening');
		expect(listening).toMatchObject({
			port: server.port,
			origin: `http://localhost:${server.port}`
		});
	});

	it('writes logs as one JSON object per line on stdout', () => {
		expect(server.stdout.length).toBeGreaterThan(0);
		for (const line of server.stdout) {
			let parsed: unknown;
			expect(() => (parsed = JSON.parse(line)), `not JSON: ${line}`).not.toThrow();
			expect(parsed, line).toMatchObject({ level: expect.any(Number), time: expect.anything() });
		}
	});

	it('prints no Setup line when the bootstrap admin is configured', () => {
		expect(server.logs.filter((line) => String(line.msg ?? '').startsWith('Setup:'))).toEqual([]);
	});

	it('refuses a mutating request with a foreign or missing Origin (403 forbidden_origin)', async () => {
		const client = new ApiClient(server);
		const credentials = { username: ADMIN_USER, password: ADMIN_PASSWORD };
		const foreign = await client.post('/api/v1/login', credentials, { origin: FOREIGN_ORIGIN });
		expectError(foreign, 403, 'forbidden_origin');
		expect(client.sessionCookie()).toBeUndefined();
		const missing = await client.post('/api/v1/login', credentials, { origin: null });
		expectError(missing, 403, 'forbidden_origin');
		expect(client.sessionCookie()).toBeUndefined();
		// The same request with the right Origin but a wrong password reaches the login check.
		const wrong = await client.post('/api/v1/login', { ...credentials, password: 'not-it-1234' });
		expectError(wrong, 401, 'invalid_credentials');
	});

	it('sends security headers on /login', async () => {
		const res = await new ApiClient(server).get('/login', { headers: { accept: 'text/html' } });
		expect(res.status).toBe(200);
		const csp = res.headers.get('content-security-policy') ?? '';
		expect(csp, 'Content-Security-Policy header').not.toBe('');
		const directives = new Map(
			csp
				.split(';')
				.map((d) => d.trim().split(/\s+/))
				.filter((parts) => parts[0])
				.map(([name, ...values]) => [name!.toLowerCase(), values])
		);
		const scriptSrc = directives.get('script-src') ?? directives.get('default-src');
		expect(scriptSrc, `script-src in "${csp}"`).toBeDefined();
		expect(scriptSrc).not.toContain("'unsafe-inline'");
		expect(res.headers.get('x-content-type-options')).toBe('nosniff');
		const frameOptions = res.headers.get('x-frame-options') ?? '';
		expect(
			directives.has('frame-ancestors') || /^(deny|sameorigin)$/i.test(frameOptions),
			'CSP frame-ancestors or X-Frame-Options'
		).toBe(true);
		expect(res.headers.get('referrer-policy')).toMatch(
			/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/
		);
	});

	it('accepts a socket.io handshake with a session cookie and the right Origin', async () => {
		const socket = await socketClient(server, alice);
		sockets.push(socket);
		expect(socket.connected).toBe(true);
		expect(
			await upgradeStatus(socketIoUrl(server), {
				Cookie: alice.cookieHeader(),
				Origin: server.origin
			})
		).toBe(101);
	});

	it('refuses a socket.io handshake without a session (HTTP 401)', async () => {
		await expect(connected(rawSocket(server, null), 5000)).rejects.toThrow();
		expect(await upgradeStatus(socketIoUrl(server), { Origin: server.origin })).toBe(401);
		const bogus = `session=${'x'.repeat(40)}`;
		expect(await upgradeStatus(socketIoUrl(server), { Cookie: bogus, Origin: server.origin })).toBe(
			401
		);
	});

	it('refuses a socket.io handshake with a foreign Origin (HTTP 403)', async () => {
		await expect(
			connected(rawSocket(server, alice, { origin: FOREIGN_ORIGIN }), 5000)
		).rejects.toThrow();
		expect(
			await upgradeStatus(socketIoUrl(server), {
				Cookie: alice.cookieHeader(),
				Origin: FOREIGN_ORIGIN
			})
		).toBe(403);
	});

	it('checks cookie and Origin on the /yjs upgrade (101 / 401 / 403)', async () => {
		const docName = fixture.session.items[0]!.docName;
		const url = server.url(`/yjs/${docName}`).replace(/^http/, 'ws');
		expect(await upgradeStatus(url, { Cookie: alice.cookieHeader(), Origin: server.origin })).toBe(
			101
		);
		expect(await upgradeStatus(url, { Origin: server.origin })).toBe(401);
		expect(await upgradeStatus(url, { Cookie: alice.cookieHeader(), Origin: FOREIGN_ORIGIN })).toBe(
			403
		);
	});
});

describe('first-administrator bootstrap (PGlite, empty store)', () => {
	let server: ServerHandle;

	beforeAll(async () => {
		server = await startServer({
			env: { YISHI_ADMIN_USER: undefined, YISHI_ADMIN_PASSWORD: undefined }
		});
	});

	afterAll(async () => {
		await server?.dispose();
	});

	it('logs exactly one line "Setup: <ORIGIN>/setup?token=<token>"', async () => {
		// `listening` is logged once the app, bootstrap included, is up (src/server.ts): every
		// Setup line, a duplicate one too (e.g. once per module graph), was written before it.
		await server.waitForLog((line) => line.msg === 'listening', 15_000);
		const setupLines = server.logs.filter((line) => /Setup:/.test(String(line.msg ?? '')));
		expect(setupLines).toHaveLength(1);
		const pattern = new RegExp(
			`^Setup: ${escapeRegExp(`http://localhost:${server.port}`)}/setup\\?token=([^\\s&#]+)$`
		);
		expect(String(setupLines[0]!.msg)).toMatch(pattern);
	});

	it('has no administrator to sign in as', async () => {
		const res = await new ApiClient(server).login(ADMIN_USER, ADMIN_PASSWORD);
		expectError(res, 401, 'invalid_credentials');
	});
});

describe('SIGTERM (PGlite)', () => {
	it('stops the server with exit code 0', async () => {
		const server = await startServer();
		try {
			expect(await server.stop()).toBe(0);
			expect(server.running()).toBe(false);
			for (const line of server.stdout) expect(() => JSON.parse(line), line).not.toThrow();
		} finally {
			await server.dispose();
		}
	}, 60_000);
});

describe.each(availableStores())('core API flow (%s)', (store) => {
	let server: ServerHandle;
	let admin: ApiClient;
	let moderator: Awaited<ReturnType<typeof userClient>>;
	let session: SessionView;
	let resident: InviteView & { token: string };
	let observer: InviteView & { token: string };
	let joined: ApiClient & JoinView;
	const sockets: ClientSocket[] = [];
	const providers: { destroy(): void }[] = [];

	beforeAll(async () => {
		server = await startServer({ store });
		admin = await adminClient(server);
	});

	afterAll(async () => {
		for (const socket of sockets) socket.disconnect();
		for (const provider of providers) provider.destroy();
		await server?.dispose();
	});

	it('logs in: 200 with the user and an HttpOnly SameSite=Lax session cookie; 401 otherwise', async () => {
		const client = new ApiClient(server);
		const res = await client.login(ADMIN_USER, ADMIN_PASSWORD);
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			user: { id: expect.any(String), username: ADMIN_USER, role: 'admin' }
		});
		const cookie = client.cookies.get('session');
		expect(cookie, 'session cookie').toBeDefined();
		expect(cookie!.attributes.httponly).toBe(true);
		expect(String(cookie!.attributes.samesite).toLowerCase()).toBe('lax');
		expect(cookie!.attributes.path).toBe('/');

		const stranger = new ApiClient(server);
		expectError(await stranger.login(ADMIN_USER, 'wrong-password'), 401, 'invalid_credentials');
		expectError(await stranger.login('nobody-here', 'wrong-password'), 401, 'invalid_credentials');
		expect(stranger.sessionCookie()).toBeUndefined();
	});

	it('admin creates users (201); a taken username is 409 username_taken', async () => {
		const username = `mod-${store}-${Date.now()}`;
		const created = await admin.post('/api/v1/users', {
			username,
			password: 'moderator-pw-1',
			role: 'moderator'
		});
		expect(created.status).toBe(201);
		expect(created.body).toMatchObject({ id: expect.any(String), username, role: 'moderator' });
		const again = await admin.post('/api/v1/users', {
			username,
			password: 'another-pw-2',
			role: 'clerk'
		});
		expectError(again, 409, 'username_taken');
		const login = await new ApiClient(server).login(username, 'moderator-pw-1');
		expect(login.status).toBe(200);
		expect(login.body).toMatchObject({ user: { username, role: 'moderator' } });
	});

	it('only an admin creates users', async () => {
		moderator = await userClient(server, admin, 'moderator');
		const res = await moderator.post('/api/v1/users', {
			username: `x-${Date.now()}`,
			password: 'whatever-pw-1',
			role: 'admin'
		});
		expectError(res, 403);
		const anonymous = await new ApiClient(server).post('/api/v1/users', {
			username: `y-${Date.now()}`,
			password: 'whatever-pw-1',
			role: 'admin'
		});
		expect([401, 403]).toContain(anonymous.status);
	});

	it('creates a session (201) and reads it back with communityId', async () => {
		const res = await moderator.post<SessionView>('/api/v1/sessions', {
			title: '楼道加装电梯议事会',
			kind: 'live',
			items: [{ title: '加装电梯方案' }, { title: '费用分摊', body: '按楼层分摊' }]
		});
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({
			id: expect.any(String),
			title: '楼道加装电梯议事会',
			kind: 'live',
			status: 'open',
			items: [
				{ id: expect.any(String), title: '加装电梯方案', docName: expect.any(String) },
				{ id: expect.any(String), title: '费用分摊', docName: expect.any(String) }
			]
		});
		session = res.body;
		const read = await moderator.get<SessionView>(`/api/v1/sessions/${session.id}`);
		expect(read.status).toBe(200);
		expect(read.body).toMatchObject({ ...session, communityId: expect.anything() });

		const byAdmin = await admin.post('/api/v1/sessions', {
			title: '管理员创建的议事',
			kind: 'live',
			items: [{ title: '一项' }]
		});
		expect(byAdmin.status).toBe(201);
	});

	it('creates invites (201) whose url is <ORIGIN>/join/<token>', async () => {
		const res = await moderator.post<InviteView>(`/api/v1/sessions/${session.id}/invites`, {
			role: 'resident'
		});
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ id: expect.any(String), role: 'resident' });
		expect(res.body).toHaveProperty('expiresAt');
		expect(res.body).toHaveProperty('maxUses');
		expect(res.body.url).toMatch(new RegExp(`^${escapeRegExp(server.origin)}/join/[^/?#]+$`));
		resident = { ...res.body, token: tokenOf(res.body.url) };

		const obs = await moderator.post<InviteView>(`/api/v1/sessions/${session.id}/invites`, {
			role: 'observer'
		});
		expect(obs.status).toBe(201);
		observer = { ...obs.body, token: tokenOf(obs.body.url) };
	});

	it('joins through an invite: 200 {participant, sessionId} and a session cookie', async () => {
		const client = new ApiClient(server);
		const res = await client.post<JoinView>(`/api/v1/join/${resident.token}`, { name: '王阿姨' });
		expect(res.status).toBe(200);
		expect(res.body).toMatchObject({
			participant: { id: expect.any(String), name: '王阿姨', role: 'resident' },
			sessionId: session.id
		});
		expect(client.sessionCookie(), 'session cookie').toBeDefined();
		joined = Object.assign(client, res.body);
		const read = await joined.get<SessionView>(`/api/v1/sessions/${session.id}`);
		expect(read.status).toBe(200);
		expect(read.body.id).toBe(session.id);
	});

	it('joining again with the same cookie gives the same participant', async () => {
		const res = await joined.post<JoinView>(`/api/v1/join/${resident.token}`, { name: '王阿姨' });
		expect(res.status).toBe(200);
		expect(res.body.participant.id).toBe(joined.participant.id);
		expect(res.body.sessionId).toBe(session.id);
	});

	it('a revoked invite stops working at once (410 invite_revoked)', async () => {
		const invite = expectStatus(
			await moderator.post<InviteView>(`/api/v1/sessions/${session.id}/invites`, { role: 'owner' }),
			201
		);
		const revoke = await moderator.del(`/api/v1/invites/${invite.id}`);
		expect(revoke.status).toBe(204);
		const res = await new ApiClient(server).post(`/api/v1/join/${tokenOf(invite.url)}`, {
			name: '李'
		});
		expectError(res, 410, 'invite_revoked');
	});

	it('revoking a leaked invite can also remove everyone who joined with it, recorded', async () => {
		const leaked = expectStatus(
			await moderator.post<InviteView>(`/api/v1/sessions/${session.id}/invites`, {
				role: 'resident'
			}),
			201
		);
		const strangers = [
			await joinAs(server, tokenOf(leaked.url), '陌生人甲'),
			await joinAs(server, tokenOf(leaked.url), '陌生人乙')
		];
		expectError(
			await moderator.del(`/api/v1/invites/${leaked.id}?participants=everyone`),
			400,
			'invalid_payload'
		);
		const revoked = expectStatus<{ removed: number }>(
			await moderator.del(`/api/v1/invites/${leaked.id}?participants=remove`),
			200
		);
		expect(revoked.removed).toBe(2);
		for (const stranger of strangers) {
			const said = await stranger.post(`/api/v1/sessions/${session.id}/statements`, {
				text: '我还在吗'
			});
			expect([403, 404]).toContain(said.status);
		}
		// Someone who joined with another link stays.
		expectStatus(
			await joined.post(`/api/v1/sessions/${session.id}/statements`, { text: '我还在' }),
			201
		);
		const transcript = expectStatus<{ entries: { type: string; data: { inviteId?: string } }[] }>(
			await moderator.get(`/api/v1/sessions/${session.id}/transcript`),
			200
		);
		expect(
			transcript.entries.filter(
				(e) => e.type === 'participant_removed' && e.data.inviteId === leaked.id
			)
		).toHaveLength(2);
	});

	it('an invite with maxUses 1 admits one person (then 410 invite_used_up)', async () => {
		const invite = expectStatus(
			await moderator.post<InviteView>(`/api/v1/sessions/${session.id}/invites`, {
				role: 'resident',
				maxUses: 1
			}),
			201
		);
		expect(invite.maxUses).toBe(1);
		const token = tokenOf(invite.url);
		await joinAs(server, token, '第一位');
		const res = await new ApiClient(server).post(`/api/v1/join/${token}`, { name: '第二位' });
		expectError(res, 410, 'invite_used_up');
	});

	it('an unknown token is 404 invite_not_found', async () => {
		const res = await new ApiClient(server).post('/api/v1/join/no-such-token-123456', {
			name: '某人'
		});
		expectError(res, 404, 'invite_not_found');
	});

	it('socket.io session:join answers the room state; presence reaches the others', async () => {
		const socket = await socketClient(server, joined);
		sockets.push(socket);
		const ack = await emitAck(socket, 'session:join', { sessionId: session.id });
		expect(ack).toMatchObject({
			ok: true,
			state: { participants: expect.any(Array), items: expect.any(Array) }
		});
		if (!ack.ok) throw new Error('unreachable');
		expect(ack.state).toHaveProperty('currentItemId');
		expect(ack.state.participants).toContainEqual(
			expect.objectContaining({ id: joined.participant.id, name: '王阿姨', role: 'resident' })
		);

		const bad = await emitAck(socket, 'session:join', { sessionId: 42 as unknown as string });
		expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

		const newcomer = await joinAs(server, resident.token, '赵师傅');
		const presence = nextEvent(socket, 'presence', 10_000, (p) =>
			p.participants.some((x) => x.id === newcomer.participant.id && x.online)
		);
		const other = await socketClient(server, newcomer);
		sockets.push(other);
		const otherAck = await emitAck(other, 'session:join', { sessionId: session.id });
		expect(otherAck.ok).toBe(true);
		await presence;
	});

	it('y-websocket: two participants edit one proposal through the server; observers only read', async () => {
		const docName = session.items[0]!.docName;
		const other = await joinAs(server, resident.token, '孙老师');
		const watcher = await joinAs(server, observer.token, '观察员');
		const docA = new Y.Doc();
		const docB = new Y.Doc();
		const docO = new Y.Doc();
		const a = yjsProvider(server, joined, docName, docA);
		const b = yjsProvider(server, other, docName, docB);
		const o = yjsProvider(server, watcher, docName, docO);
		providers.push(a, b, o);
		await Promise.all([whenSynced(a), whenSynced(b), whenSynced(o)]);

		writeParagraph(docA, 'A写的方案');
		await eventually(() => proposalText(docB).includes('A写的方案'), 5000, 'B sees A');
		writeParagraph(docB, 'B的补充');
		await eventually(() => proposalText(docA).includes('B的补充'), 5000, 'A sees B');
		await eventually(() => proposalText(docO).includes('B的补充'), 5000, 'observer reads');

		o.awareness.setLocalStateField('user', { name: '观察员' });
		writeParagraph(docO, '观察员偷偷写的');
		writeParagraph(docA, '之后A又写');
		await eventually(() => proposalText(docO).includes('之后A又写'), 5000, 'observer reads more');
		await new Promise((resolve) => setTimeout(resolve, 500));
		expect(proposalText(docA)).not.toContain('观察员偷偷写的');
		expect(proposalText(docB)).not.toContain('观察员偷偷写的');
		expect(b.awareness.getStates().has(docO.clientID), 'observer awareness dropped').toBe(false);

		const fresh = new Y.Doc();
		const f = yjsProvider(server, other, docName, fresh);
		providers.push(f);
		await whenSynced(f);
		expect(proposalText(fresh)).toContain('之后A又写');
		expect(proposalText(fresh)).not.toContain('观察员偷偷写的');
	});

	it('logout → 204, clears the cookie and disconnects that session’s live socket', async () => {
		const leaver = await joinAs(server, resident.token, '周先生');
		const socket = await socketClient(server, leaver);
		sockets.push(socket);
		expect((await emitAck(socket, 'session:join', { sessionId: session.id })).ok).toBe(true);
		const oldCookie = leaver.cookieHeader();
		const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));

		const res = await leaver.logout();
		expect(res.status).toBe(204);
		expect(
			res.setCookies.some((c) => /^session=/.test(c)),
			'Set-Cookie clears session'
		).toBe(true);
		expect(leaver.sessionCookie()).toBeUndefined();
		await expect(
			Promise.race([
				disconnected,
				new Promise((_, reject) => setTimeout(() => reject(new Error('still connected')), 5000))
			])
		).resolves.toBeDefined();

		const stale = new ApiClient(server);
		const read = await stale.get(`/api/v1/sessions/${session.id}`, {
			headers: { cookie: oldCookie }
		});
		expect(read.status).toBe(401);
		await expect(connected(rawSocket(server, null, { cookie: oldCookie }), 5000)).rejects.toThrow();
		// Other people's sockets stay up.
		expect(sockets[0]!.connected).toBe(true);
	});

	it('keeps accounts, sessions and edits across a SIGTERM restart', async () => {
		const docName = session.items[0]!.docName;
		const doc = new Y.Doc();
		const provider = yjsProvider(server, joined, docName, doc);
		await whenSynced(provider);
		writeParagraph(doc, '重启前最后一句');
		await new Promise((resolve) => setTimeout(resolve, 100));
		provider.destroy();
		for (const socket of sockets) socket.disconnect();
		for (const p of providers.splice(0)) p.destroy();

		expect(await server.stop()).toBe(0);
		server = await server.restart();

		const health = await new ApiClient(server).get('/healthz');
		expect(health.status).toBe(200);
		expect((await new ApiClient(server).login(ADMIN_USER, ADMIN_PASSWORD)).status).toBe(200);
		expect((await moderator.get(`/api/v1/sessions/${session.id}`)).status).toBe(200);
		const again = await joined.post<JoinView>(`/api/v1/join/${resident.token}`, { name: '王阿姨' });
		expect(again.status).toBe(200);
		expect(again.body.participant.id).toBe(joined.participant.id);

		const fresh = new Y.Doc();
		const reader = yjsProvider(server, joined, docName, fresh);
		providers.push(reader);
		await whenSynced(reader);
		expect(proposalText(fresh)).toContain('A写的方案');
		expect(proposalText(fresh)).toContain('重启前最后一句');
	}, 120_000);
});
