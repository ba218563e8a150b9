/**
 * Several nodes behind one proxy (CONTRACT §7): three production nodes started at once on an
 * empty Postgres database, a private redis-server, a round-robin proxy without stickiness, and
 * real socket.io clients. Skipped loudly without redis-server / DATABASE_URL; failing under
 * REQUIRE_CLUSTER=1.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TallyView } from '../../src/lib/protocol';
import {
	ApiClient,
	createSessionWithInvites,
	emitAck,
	eventually,
	followEvents,
	expectStatus,
	joinAs,
	nextEvent,
	socketClient,
	tokenOf,
	userClient,
	type ClientSocket,
	type ServerLike
} from '../integration/harness';
import { direct, skipOrFail, startCluster, type Cluster } from './harness';

const SECRET = 'cluster-webhook-secret-0123456789';
const COMMUNITY = 'default-community';
const skip = skipOrFail();

async function joined(server: ServerLike, client: ApiClient, sessionId: string) {
	const socket = await socketClient(server, client);
	const ack = await emitAck(socket, 'session:join', { sessionId });
	if (!ack.ok) throw new Error(ack.error.message);
	return socket;
}

const onlineIn = (participants: { id: string; online: boolean }[], id: string) =>
	participants.find((p) => p.id === id)?.online;

describe.skipIf(skip)('several nodes behind a proxy', () => {
	let cluster: Cluster;
	let hookServer: Server;
	/** Webhook requests received, per delivery id. */
	const received = new Map<string, number>();

	beforeAll(async () => {
		// A slow street platform: every delivery takes longer than a delivery pass interval.
		hookServer = createServer((req, res) => {
			const id = String(req.headers['x-yishi-delivery']);
			received.set(id, (received.get(id) ?? 0) + 1);
			req.resume();
			setTimeout(() => res.writeHead(200).end(), 3_000);
		});
		await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
		const port = (hookServer.address() as AddressInfo).port;
		cluster = await startCluster(3, {
			YISHI_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
			YISHI_WEBHOOK_SECRET: SECRET
		});
	}, 120_000);
	afterAll(async () => {
		await cluster?.dispose();
		hookServer?.close();
	});

	it('[CLU-1] three nodes started at once on an empty database all come up and report Redis', async () => {
		expect(cluster.nodes).toHaveLength(3);
		for (const node of cluster.nodes) {
			const res = await fetch(node.url('/healthz'));
			expect(res.status).toBe(200);
			expect(await res.json()).toEqual({ status: 'ok', redis: 'connected' });
		}
		// Exactly one node leads the background work.
		const leaders = cluster.nodes.filter((n) =>
			n.logs.some((l) => l.msg === 'leading background work on this node')
		);
		expect(leaders).toHaveLength(1);
	});

	it('[CLU-2] presence, queue and tallies cross nodes; both nodes show the tally the database holds', async () => {
		const [a, b] = cluster.nodes.map((n) => direct(n, cluster.proxy)) as [ServerLike, ServerLike];
		const fx = await createSessionWithInvites(a, { roles: ['resident'] });
		const moderatorSocket = await joined(a, fx.moderator, fx.session.id);
		const wang = await joinAs(b, fx.invites.resident!.token, '王阿姨');
		// One person on two nodes: online once, recorded once.
		const seen = nextEvent(moderatorSocket, 'presence', 10_000, (p) =>
			Boolean(onlineIn(p.participants, wang.participant.id))
		);
		const wangOnB = await joined(b, wang, fx.session.id);
		await seen;
		const wangOnA = await joined(a, wang, fx.session.id);
		wangOnA.disconnect();
		// A hand raised on node B reaches the moderator's socket on node A.
		const queued = nextEvent(moderatorSocket, 'queue', 10_000, (q) =>
			q.entries.some((e) => e.participantId === wang.participant.id)
		);
		expect(await emitAck(wangOnB, 'hand:raise', {})).toMatchObject({ ok: true });
		await queued;

		// Ballots through both nodes: every node's sockets end at the database's tally.
		const voters = await Promise.all(
			Array.from({ length: 8 }, (_, i) =>
				joinAs(i % 2 ? a : b, fx.invites.resident!.token, `居民${i}`)
			)
		);
		const sockets = await Promise.all(
			voters.map((v, i) => joined(i % 2 ? a : b, v, fx.session.id))
		);
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意？',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				changeable: true,
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const last = new Map<ClientSocket, TallyView>();
		for (const s of [moderatorSocket, ...sockets])
			s.on('vote:tally', (t: TallyView) => t.voteId === vote.id && last.set(s, t));
		const acks = await Promise.all(
			sockets.map((s, i) =>
				emitAck(s, 'ballot:cast', { voteId: vote.id, choice: i % 3 ? 'yes' : 'no' })
			)
		);
		expect(acks.every((x) => x.ok)).toBe(true);
		// Changed votes count too: two voters change their minds, one on each node.
		expect(
			await emitAck(sockets[0]!, 'ballot:cast', { voteId: vote.id, choice: 'yes' })
		).toMatchObject({ ok: true });
		expect(
			await emitAck(sockets[1]!, 'ballot:cast', { voteId: vote.id, choice: 'no' })
		).toMatchObject({ ok: true });
		const ackedAt = Date.now();
		const truth = expectStatus<TallyView>(await fx.moderator.get(`/api/v1/votes/${vote.id}`), 200);
		expect(truth.participation.headcount).toBe(8);
		await eventually(
			() =>
				[moderatorSocket, ...sockets].every(
					(s) => JSON.stringify(last.get(s)?.counts) === JSON.stringify(truth.counts)
				),
			5_000,
			'every socket on every node shows the database tally'
		);
		const convergedMs = Date.now() - ackedAt;
		console.log(`[cluster] tally converged on every node ${convergedMs} ms after the last ack`);
		expect(convergedMs).toBeLessThan(250 + 100);
		// The same answer from each node's own cache.
		for (const node of [a, b]) {
			const t = expectStatus<TallyView>(
				await new ApiClient(node).get(`/api/v1/votes/${vote.id}`, {
					headers: { cookie: fx.moderator.cookieHeader() }
				}),
				200
			);
			expect(t.counts).toEqual(truth.counts);
		}
		const transcript = expectStatus<{
			entries: { type: string; data: { participantId?: string } }[];
		}>(await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`), 200);
		const wangOnline = transcript.entries.filter(
			(e) => e.type === 'participant_online' && e.data.participantId === wang.participant.id
		);
		expect(wangOnline).toHaveLength(1);
		for (const s of [moderatorSocket, wangOnB, ...sockets]) s.disconnect();
	}, 60_000);

	it('[CLU-3] logout on one node closes the sockets of that login on another node', async () => {
		const [a, b] = cluster.nodes.map((n) => direct(n, cluster.proxy)) as [ServerLike, ServerLike];
		const admin = new ApiClient(a);
		expectStatus(await admin.login('admin', 'yishi-test-admin-pw'), 200);
		const moderator = await userClient(a, admin, 'moderator');
		const onB = await socketClient(b, moderator);
		const closed = new Promise<string>((resolve) => onB.on('disconnect', resolve));
		const viaB = new ApiClient(a);
		for (const [k, v] of moderator.cookies) viaB.cookies.set(k, v);
		expect((await viaB.post('/api/v1/logout', {})).status).toBe(204);
		expect(await closed).toBe('io server disconnect');
	});

	it('[CLU-10] the community board is live across nodes: a watcher on one node hears opinions and hands from another', async () => {
		const [a, b] = cluster.nodes.map((n) => direct(n, cluster.proxy)) as [ServerLike, ServerLike];
		const admin = new ApiClient(a);
		expectStatus(await admin.login('admin', 'yishi-test-admin-pw'), 200);
		const moderator = await userClient(a, admin, 'moderator');
		const link = expectStatus(
			await moderator.post<{ url: string }>(`/api/v1/communities/${COMMUNITY}/invites`, {
				role: 'resident'
			}),
			201
		);
		const alice = await joinAs(a, tokenOf(link.url), '4号楼孙阿姨');
		const watcher = await socketClient(b, moderator);
		// A reader without a sign-in on node B follows the same board as server-sent events.
		const visitor = await followEvents(b.url(`/api/v1/communities/${COMMUNITY}/opinions/events`));
		try {
			expect(await emitAck(watcher, 'board:watch', { communityId: COMMUNITY })).toEqual({
				ok: true
			});
			expect(await visitor.next()).toMatchObject({ event: 'ready' });
			const visitorHears = visitor.next();
			const posted = nextEvent(watcher, 'board:changed');
			const opinion = expectStatus(
				await alice.post<{ id: string }>(`/api/v1/communities/${COMMUNITY}/opinions`, {
					title: '自行车棚漏雨',
					text: '棚顶破了，下雨天车都淋湿。'
				}),
				201
			);
			expect(await posted).toEqual({ communityId: COMMUNITY });
			expect(await visitorHears).toEqual({ event: 'changed', data: { communityId: COMMUNITY } });
			const raised = nextEvent(watcher, 'board:changed');
			expectStatus(await alice.post(`/api/v1/opinions/${opinion.id}/hands`), 200);
			await raised;
			const rows = expectStatus(
				await new ApiClient(b).get<{ id: string; hands: number }[]>(
					`/api/v1/communities/${COMMUNITY}/opinions`
				),
				200
			);
			expect(rows.find((r) => r.id === opinion.id)?.hands).toBe(1);
		} finally {
			watcher.disconnect();
			await visitor.close();
		}
	});

	it('[CLU-4] a slow webhook receiver gets each delivery once, whichever nodes run the loop', async () => {
		const fx = await createSessionWithInvites(cluster.proxy, { items: [{ title: '车库' }] });
		const item = fx.session.items[0]!;
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${item.id}/status`, { status: 'unresolved' }),
			200
		);
		const street = await userClient(cluster.proxy, fx.admin, 'street');
		const created = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${item.id}/escalations`, { note: '请街道协调' }),
			201
		);
		expectStatus(await street.post(`/api/v1/escalations/${created.id}/accept`, {}), 200);
		type Delivery = { id: string; status: string; attempts: number };
		const log = await eventually(
			async () => {
				const list = (await street.get(`/api/v1/escalations/${created.id}/deliveries`))
					.body as Delivery[];
				return list.length === 2 && list.every((d) => d.status === 'delivered') ? list : null;
			},
			30_000,
			'both case events delivered'
		);
		// Let any duplicate pass run into the receiver before counting.
		await new Promise((r) => setTimeout(r, 4_500));
		for (const d of log) {
			expect(d.attempts).toBe(1);
			expect(received.get(d.id)).toBe(1);
		}
	}, 60_000);

	it('[CLU-5] Redis stopped and restarted mid-meeting: nodes stay up, then fan-out resumes', async () => {
		const [a, b] = cluster.nodes.map((n) => direct(n, cluster.proxy)) as [ServerLike, ServerLike];
		const fx = await createSessionWithInvites(a, { roles: ['resident'] });
		const moderatorSocket = await joined(a, fx.moderator, fx.session.id);
		const li = await joinAs(b, fx.invites.resident!.token, '李叔');
		const liOnB = await joined(b, li, fx.session.id);

		await cluster.redis.stop();
		const health = await eventually(
			async () => {
				const r = await fetch(cluster.nodes[0]!.url('/healthz'));
				const body = (await r.json()) as { redis?: string };
				return body.redis === 'disconnected' ? r.status : null;
			},
			10_000,
			'healthz says redis is disconnected'
		);
		expect(health).toBe(200);
		// Still serving on its own: a hand raised on B is committed and acknowledged.
		expect(await emitAck(liOnB, 'hand:raise', {})).toMatchObject({ ok: true });

		await cluster.redis.start();
		await eventually(
			async () => {
				const all = await Promise.all(
					cluster.nodes.map(
						async (n) =>
							((await (await fetch(n.url('/healthz'))).json()) as { redis: string }).redis
					)
				);
				return all.every((r) => r === 'connected');
			},
			15_000,
			'every node reconnected to Redis'
		);
		// Fan-out resumes: a change on B reaches A's sockets again.
		const queued = nextEvent(moderatorSocket, 'queue', 10_000, (q) => q.entries.length === 0);
		await eventually(
			async () => (await emitAck(liOnB, 'hand:lower', {})).ok,
			5_000,
			'hand lowered'
		);
		await queued;
		moderatorSocket.disconnect();
		liOnB.disconnect();
	}, 60_000);

	it('[CLU-6] kill -9 of a node while voting: clients come back through the proxy, every acked ballot counts, the lease moves', async () => {
		const proxy = cluster.proxy;
		const fx = await createSessionWithInvites(proxy, { roles: ['resident'] });
		const voters = await Promise.all(
			Array.from({ length: 9 }, (_, i) => joinAs(proxy, fx.invites.resident!.token, `v${i}`))
		);
		// Stock clients with reconnection on, through the proxy (round-robin over the nodes).
		const sockets = voters.map(
			(v) =>
				io(proxy.url(''), {
					transports: ['websocket'],
					extraHeaders: { cookie: v.cookieHeader(), origin: proxy.origin },
					forceNew: true,
					reconnectionDelay: 100,
					reconnectionDelayMax: 500
				}) as unknown as ClientSocket
		);
		for (const s of sockets) {
			s.on(
				'connect',
				() => void emitAck(s, 'session:join', { sessionId: fx.session.id }).catch(() => {})
			);
		}
		await eventually(() => sockets.every((s) => s.connected), 10_000, 'all connected');
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意？',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const acked = new Set<number>();
		const cast = async (i: number) => {
			const s = sockets[i]!;
			await eventually(
				async () => {
					if (!s.connected) return false;
					await emitAck(s, 'session:join', { sessionId: fx.session.id }, 3_000);
					const ack = await emitAck(s, 'ballot:cast', { voteId: vote.id, choice: 'yes' }, 3_000);
					return ack.ok || (!ack.ok && ack.error.code === 'already_voted');
				},
				20_000,
				`ballot ${i}`
			);
			acked.add(i);
		};
		await Promise.all([0, 1, 2].map(cast));

		const leader = cluster.nodes.find((n) =>
			n.logs.some((l) => l.msg === 'leading background work on this node')
		)!;
		const killedAt = Date.now();
		await leader.kill9();
		cluster.proxy.backends.splice(cluster.proxy.backends.indexOf(leader.port), 1);
		cluster.nodes.splice(cluster.nodes.indexOf(leader), 1);
		await Promise.all([3, 4, 5, 6, 7, 8].map(cast));
		const successor = await eventually(
			() =>
				cluster.nodes.find((n) =>
					n.logs.some((l) => l.msg === 'leading background work on this node')
				),
			15_000,
			'another node takes the background-work lease'
		);
		console.log(
			`[cluster] lease taken over ${Date.now() - killedAt} ms after kill -9 (bound: 2 s retry)`
		);
		expect(successor).toBeTruthy();
		await eventually(() => sockets.every((s) => s.connected), 10_000, 'every client reconnected');
		const truth = expectStatus<TallyView>(await fx.moderator.get(`/api/v1/votes/${vote.id}`), 200);
		expect(acked.size).toBe(9);
		expect(truth.participation.headcount).toBe(9);
		for (const s of sockets) s.disconnect();
	}, 90_000);

	it("[CLU-7] a lost node's participants go offline for everyone within the bound", async () => {
		const [a, b] = cluster.nodes.map((n) => direct(n, cluster.proxy)) as [ServerLike, ServerLike];
		const fx = await createSessionWithInvites(a, { roles: ['resident'] });
		const moderatorSocket = await joined(a, fx.moderator, fx.session.id);
		const zhao = await joinAs(b, fx.invites.resident!.token, '赵');
		const online = nextEvent(moderatorSocket, 'presence', 10_000, (p) =>
			Boolean(onlineIn(p.participants, zhao.participant.id))
		);
		await joined(b, zhao, fx.session.id);
		await online;
		const offline = nextEvent(
			moderatorSocket,
			'presence',
			30_000,
			(p) => onlineIn(p.participants, zhao.participant.id) === false
		);
		const nodeB = cluster.nodes[1]!;
		const killedAt = Date.now();
		await nodeB.kill9();
		cluster.proxy.backends.splice(cluster.proxy.backends.indexOf(nodeB.port), 1);
		await offline;
		const ms = Date.now() - killedAt;
		console.log(`[cluster] participants of a killed node offline after ${ms} ms (bound 20 s)`);
		expect(ms).toBeLessThan(30_000);
		moderatorSocket.disconnect();
	}, 60_000);
	it('[CLU-8] SIGTERM of a node: stock clients are not told "io server disconnect" and come back by themselves', async () => {
		const added = await cluster.addNode();
		const proxy = cluster.proxy;
		const fx = await createSessionWithInvites(proxy, { roles: ['resident'] });
		const people = await Promise.all(
			Array.from({ length: 4 }, (_, i) => joinAs(proxy, fx.invites.resident!.token, `r${i}`))
		);
		const reasons: string[] = [];
		const sockets = people.map((p) => {
			const s = io(proxy.url(''), {
				transports: ['websocket'],
				extraHeaders: { cookie: p.cookieHeader(), origin: proxy.origin },
				forceNew: true,
				reconnectionDelay: 100,
				reconnectionDelayMax: 500
			});
			s.on('disconnect', (reason) => reasons.push(reason));
			return s;
		});
		await eventually(() => sockets.every((s) => s.connected), 10_000, 'all connected');
		const old = cluster.nodes.find((n) => n !== added && n.running())!;
		expect(await old.stop()).toBe(0);
		proxy.backends.splice(proxy.backends.indexOf(old.port), 1);
		await eventually(() => sockets.every((s) => s.connected), 10_000, 'all reconnected');
		expect(reasons).not.toContain('io server disconnect');
		expect(reasons.length).toBeGreaterThan(0);
		for (const s of sockets) s.disconnect();
	}, 60_000);
});

describe.skipIf(skip)('several nodes on an empty database with no administrator configured', () => {
	let cluster: Cluster;
	beforeAll(async () => {
		cluster = await startCluster(2, { YISHI_ADMIN_USER: '', YISHI_ADMIN_PASSWORD: '' });
	}, 120_000);
	afterAll(async () => {
		await cluster?.dispose();
	});

	const setupToken = (logs: { msg?: unknown }[]) => {
		const line = logs.map((l) => String(l.msg ?? '')).find((m) => m.startsWith('Setup:'));
		return line ? new URL(line.slice('Setup:'.length).trim()).searchParams.get('token') : null;
	};

	const submit = (token: string, username: string) =>
		fetch(cluster.proxy.url(`/setup?token=${encodeURIComponent(token)}`), {
			method: 'POST',
			redirect: 'manual',
			headers: {
				origin: cluster.proxy.origin,
				accept: 'text/html',
				'content-type': 'application/x-www-form-urlencoded'
			},
			body: new URLSearchParams({
				username,
				password: 'first-admin-pw-123',
				password2: 'first-admin-pw-123'
			})
		});

	it("[CLU-9] every node's printed setup link works until one of them makes the administrator", async () => {
		// Both nodes started together, each printed its own link (the operator reads either log).
		const [a, b] = cluster.nodes.map((n) => setupToken(n.logs));
		expect(a, 'node A printed a Setup line').toBeTruthy();
		expect(b, 'node B printed a Setup line').toBeTruthy();
		expect(a).not.toBe(b);
		const bogus = await fetch(cluster.proxy.url('/setup?token=not-a-token'), {
			headers: { accept: 'text/html' }
		});
		expect(await bogus.text()).not.toContain('name="password2"');
		for (const token of [a!, b!]) {
			const page = await fetch(cluster.proxy.url(`/setup?token=${encodeURIComponent(token)}`), {
				headers: { accept: 'text/html' }
			});
			expect(await page.text(), 'the setup form, not "link invalid"').toContain('name="password2"');
		}
		// Whichever node the proxy picks, node B's link makes the first administrator…
		const made = await submit(b!, 'first-admin');
		expect(made.status).toBe(303);
		expect(made.headers.get('location')).toBe('/admin');
		// …and node A's link is spent with it: one first administrator, never two.
		const again = await submit(a!, 'second-admin');
		expect(again.status).toBe(410);
		const client = new ApiClient(cluster.proxy);
		expectStatus(await client.login('first-admin', 'first-admin-pw-123'), 200);
		expect((await client.login('second-admin', 'first-admin-pw-123')).status).toBe(401);
	}, 60_000);
});
