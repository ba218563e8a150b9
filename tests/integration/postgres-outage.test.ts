/**
 * Postgres goes away under voters, then comes back. The machine's Postgres is shared, so it is
 * never killed: a small TCP gate of the test's own sits between the app and Postgres, and
 * cutting it (every connection destroyed, new ones refused) is what a dead Postgres looks like
 * to the app. With a `redis-server` binary a second node behind a round-robin proxy shares the
 * same database and the voters are spread over both.
 *
 * What must hold (REFERENCE.md "store down"): no node exits; `/healthz` answers 503 while the
 * store is gone; every cast gets an answer — a receipt or `store_unavailable`, never silence,
 * however often a phone tries again during the outage; HTTP writes and pages are refused 503
 * `store_unavailable`, never 500; after the gate opens again the nodes recover by themselves
 * (healthz 200) and the first cast of every voter after that is accepted; every acknowledged
 * ballot is in the database and counted once. How fast refusals and recovery are is printed,
 * not asserted (a loaded machine must not fail the test; the figures are for the reader).
 *
 * Runs only with DATABASE_URL (skipped loudly otherwise; a failure under REQUIRE_E2E=1 or
 * REQUIRE_CLUSTER=1). `YISHI_OUTAGE_VOTERS` sets how many voters (default 50). */
import net, { type AddressInfo } from 'node:net';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	clusterAvailability,
	createDatabase,
	Proxy,
	startRedis,
	type PrivateRedis
} from '../cluster/harness';
import {
	ApiClient,
	createSessionWithInvites,
	emitAck,
	eventually,
	expectStatus,
	joinAs,
	socketClient,
	startServer,
	type ClientSocket,
	type ServerHandle
} from './harness';

const skip = (() => {
	if (process.env.DATABASE_URL) return false;
	const line = '!!! POSTGRES OUTAGE TEST SKIPPED: DATABASE_URL is not set !!!';
	if (process.env.REQUIRE_E2E === '1' || process.env.REQUIRE_CLUSTER === '1')
		throw new Error(`${line} (REQUIRE_E2E / REQUIRE_CLUSTER is set)`);
	console.warn(`\n${line}\n`);
	return true;
})();

const VOTERS = (() => {
	const n = Number(process.env.YISHI_OUTAGE_VOTERS);
	return Number.isInteger(n) && n > 0 ? n : 50;
})();
/**
 * Longer than any bounded wait of the app: an ack missing after this counts as a hang. The
 * longest wait the app has is a connection attempt's 5 s timeout (src/lib/server/db/client.ts);
 * while the store is known to be down a cast is refused without waiting for one at all.
 */
const ACK_WAIT_MS = 30_000;
/** How many times a voter without a receipt tries during the outage (a phone retrying). */
const OUTAGE_ROUNDS = 3;

/** A TCP gate in front of Postgres that the test can cut and restore. */
class PgGate {
	#server: net.Server | null = null;
	#sockets = new Set<net.Socket>();
	port = 0;
	constructor(
		readonly host: string,
		readonly targetPort: number
	) {}

	async open(): Promise<void> {
		const server = net.createServer((client) => {
			const upstream = net.connect(this.targetPort, this.host);
			for (const s of [client, upstream]) {
				this.#sockets.add(s);
				s.on('close', () => this.#sockets.delete(s));
				s.on('error', () => {
					client.destroy();
					upstream.destroy();
				});
			}
			client.pipe(upstream);
			upstream.pipe(client);
		});
		this.#server = server;
		// The same port again: the app's DATABASE_URL does not change across the outage.
		await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
		this.port = (server.address() as AddressInfo).port;
	}

	/** Postgres is gone: open connections die, new ones are refused. */
	async cut(): Promise<void> {
		const server = this.#server;
		this.#server = null;
		const closed = server ? new Promise<void>((r) => server.close(() => r())) : null;
		for (const s of this.#sockets) s.destroy();
		await closed;
	}

	async close(): Promise<void> {
		await this.cut();
	}
}

interface Front {
	origin: string;
	url(pathname?: string): string;
}

async function health(node: ServerHandle): Promise<{ status: number; ms: number }> {
	const started = performance.now();
	const res = await fetch(node.url('/healthz'), { signal: AbortSignal.timeout(20_000) });
	await res.arrayBuffer();
	return { status: res.status, ms: performance.now() - started };
}

type CastAnswer = { ok: true; receipt: string } | { ok: false; error: { code: string } };

describe.skipIf(skip)('Postgres cut and restored under voters', () => {
	let gate: PgGate;
	let db: Awaited<ReturnType<typeof createDatabase>>;
	let redis: PrivateRedis | null = null;
	let proxy: Proxy | null = null;
	const nodes: ServerHandle[] = [];
	let front: Front;

	beforeAll(async () => {
		db = await createDatabase();
		const target = new URL(db.url);
		gate = new PgGate(target.hostname, Number(target.port || 5432));
		await gate.open();
		const gated = new URL(db.url);
		gated.hostname = '127.0.0.1';
		gated.port = String(gate.port);
		if (clusterAvailability().ok) {
			redis = await startRedis();
			proxy = new Proxy();
			await proxy.listen();
			for (let i = 0; i < 2; i++) {
				const node = await startServer({
					store: 'postgres',
					database: gated.toString(),
					env: { REDIS_URL: redis.url, ORIGIN: proxy.origin }
				});
				nodes.push(node);
				proxy.backends.push(node.port);
			}
			front = proxy;
		} else {
			console.warn('postgres-outage: no redis-server binary, one node only');
			const node = await startServer({ store: 'postgres', database: gated.toString() });
			nodes.push(node);
			front = node;
		}
	}, 240_000);

	afterAll(async () => {
		await Promise.all(nodes.map((n) => n.dispose().catch(() => {})));
		await proxy?.close();
		await redis?.stop();
		await gate?.close();
		await db?.drop();
	});

	it('[STORE-4] refuses writes clearly while Postgres is gone, answers healthz 503, recovers by itself and loses no acknowledged ballot', async () => {
		const fx = await createSessionWithInvites(front, {
			roles: ['resident'],
			maxUses: VOTERS + 1
		});
		const voters: ApiClient[] = [];
		for (let i = 0; i < VOTERS; i++) {
			voters.push(await joinAs(front, fx.invites.resident!.token, `居民${i + 1}`));
		}
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意更换小区大门',
				kind: 'yes_no_abstain',
				secret: true,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`), 200);

		const sockets: ClientSocket[] = await Promise.all(
			voters.map(async (voter) => {
				const socket = await socketClient(front, voter);
				const join = await emitAck(socket, 'session:join', { sessionId: fx.session.id });
				expect(join).toMatchObject({ ok: true });
				return socket;
			})
		);

		const choices = ['yes', 'no', 'abstain'] as const;
		const receipts = new Map<number, string>();
		const refusals = new Map<string, number>();
		let hangs = 0;
		const cast = async (i: number): Promise<CastAnswer | null> => {
			const started = performance.now();
			const answer = (await emitAck(
				sockets[i]!,
				'ballot:cast',
				{ voteId: vote.id, choice: choices[i % 3]! },
				ACK_WAIT_MS
			).catch(() => null)) as CastAnswer | null;
			if (!answer) {
				hangs++;
				console.warn(
					`postgres-outage: voter ${i} got no answer in ${(performance.now() - started).toFixed(0)} ms (socket ${sockets[i]!.connected ? 'connected' : 'disconnected'})`
				);
			} else if (answer.ok) receipts.set(i, answer.receipt);
			else refusals.set(answer.error.code, (refusals.get(answer.error.code) ?? 0) + 1);
			castMs.push(performance.now() - started);
			return answer;
		};
		const castMs: number[] = [];

		// A third vote; the gate is then cut while the second third's ballots are in flight (each
		// is acknowledged — and then counted — or refused, never left hanging); the last third
		// arrive while Postgres is gone. Cutting after a count of acks raced a fast machine, where
		// every ballot was in before the cut.
		const third = Math.max(1, Math.floor(VOTERS / 3));
		const range = (from: number, to: number) => voters.map((_, i) => i).slice(from, to);
		await Promise.all(range(0, third).map((i) => cast(i)));
		await Promise.all([gate.cut(), ...range(third, 2 * third).map((i) => cast(i))]);
		const beforeOutage = receipts.size;

		// While Postgres is gone: every node is up and says so at once; writes are refused.
		const downHealth: number[] = [];
		for (const node of nodes) {
			expect(node.running()).toBe(true);
			const h = await health(node);
			expect(h.status).toBe(503);
			downHealth.push(h.ms);
		}
		// Every voter without a receipt casts, and casts again on the refusal as a phone does: each
		// attempt is refused, none waits for the store. (postgres.js backs off further after each
		// failed connection attempt, up to 20 s: a later round is where a queued cast would wait.)
		const waiting = voters.map((_, i) => i).filter((i) => !receipts.has(i));
		expect(waiting.length).toBeGreaterThanOrEqual(VOTERS - 2 * third);
		const refusedBefore = refusals.get('store_unavailable') ?? 0;
		const roundMs: number[][] = [];
		for (let round = 0; round < OUTAGE_ROUNDS; round++) {
			const ms: number[] = [];
			await Promise.all(
				waiting.map(async (i) => {
					const started = performance.now();
					const answer = await cast(i);
					ms.push(performance.now() - started);
					expect(answer, `voter ${i} got an answer while Postgres was gone`).not.toBeNull();
					expect(answer).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
				})
			);
			roundMs.push(ms);
		}
		expect(refusals.get('store_unavailable') ?? 0).toBe(
			refusedBefore + OUTAGE_ROUNDS * waiting.length
		);

		// HTTP: an API write, a page and a form post (a newcomer joining by the link, no cookie
		// yet) are refused 503 `store_unavailable` with a Retry-After, never a 500.
		const statement = await voters[waiting[0]!]!.post(
			`/api/v1/sessions/${fx.session.id}/statements`,
			{ text: '停电了还能发言吗' }
		);
		const newcomer = new ApiClient(front);
		const joinPage = await newcomer.get(`/join/${fx.invites.resident!.token}`);
		const joinForm = await newcomer.request('POST', `/join/${fx.invites.resident!.token}`, {
			body: new URLSearchParams({ name: '新来的居民' }).toString(),
			headers: { 'content-type': 'application/x-www-form-urlencoded' }
		});
		const httpStatuses = [statement, joinPage, joinForm].map((r) => r.status);
		for (const [what, res] of Object.entries({ statement, joinPage, joinForm })) {
			expect(res.status, `${what} while Postgres was gone`).toBe(503);
			expect(res.headers.get('retry-after'), what).toBe('2');
		}
		expect(statement.body).toMatchObject({ error: { code: 'store_unavailable' } });
		expect(joinForm.text).toContain('store_unavailable');

		for (const node of nodes) {
			const h = await health(node);
			expect(h.status).toBe(503);
			downHealth.push(h.ms);
			expect(node.running()).toBe(true);
		}

		// Postgres is back: the nodes find it again by themselves.
		const restored = performance.now();
		await gate.open();
		for (const node of nodes) {
			await eventually(async () => (await health(node)).status === 200, 60_000, 'healthz 200');
		}
		const recoveryMs = performance.now() - restored;

		// Those without a receipt cast again, as a phone does on a refusal: once healthz says
		// 200 the node's pool is a fresh one, so the first cast of each is accepted (no refusal
		// from a connection that died with the outage). A cast whose commit landed but whose
		// answer was lost with the connection is refused as already cast: counted once, never
		// twice.
		let earlier = 0;
		const afterRestore = new Map<string, number>();
		const firstMs: number[] = [];
		await Promise.all(
			voters
				.map((_, i) => i)
				.filter((i) => !receipts.has(i))
				.map(async (i) => {
					const started = performance.now();
					const answer = await cast(i);
					firstMs.push(performance.now() - started);
					if (answer && !answer.ok) {
						const code = answer.error.code;
						if (code === 'already_voted') earlier++;
						else afterRestore.set(code, (afterRestore.get(code) ?? 0) + 1);
					}
				})
		);
		expect(Object.fromEntries(afterRestore), 'first casts refused after restore').toEqual({});
		expect(hangs).toBe(0);
		for (const node of nodes) expect(node.running()).toBe(true);

		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/close`), 200);
		const tally = expectStatus<{ counts: Record<string, { headcount: number }> }>(
			await fx.moderator.get(`/api/v1/votes/${vote.id}`),
			200
		);
		const counted = Object.values(tally.counts).reduce((n, c) => n + c.headcount, 0);
		expect(counted).toBe(VOTERS);
		const { ballots } = expectStatus<{ ballots: { receipt: string }[] }>(
			await fx.moderator.get(`/api/v1/votes/${vote.id}/ballots`),
			200
		);
		const published = new Set(ballots.map((b) => b.receipt));
		expect([...receipts.values()].filter((r) => !published.has(r))).toEqual([]);
		// And straight from the database, not only through the app.
		const direct = postgres(db.url, { max: 1, onnotice: () => {} });
		try {
			const [row] = await direct`select count(*)::int as n from ballots where vote_id = ${vote.id}`;
			expect(row?.n).toBe(VOTERS);
		} finally {
			await direct.end({ timeout: 5 });
		}
		for (const s of sockets) s.disconnect();

		const max = (xs: number[]) => (xs.length ? Math.max(...xs).toFixed(0) : '-');
		console.log(
			`postgres-outage: ${nodes.length} node(s), ${VOTERS} voters; ${beforeOutage} acknowledged when the gate was cut; ` +
				`healthz while down answered 503 in ≤ ${max(downHealth)} ms; ${waiting.length} voters × ${OUTAGE_ROUNDS} casts during the outage refused store_unavailable in ≤ ${roundMs.map(max).join(' / ')} ms (per round); ` +
				`HTTP while down ${httpStatuses.join('/')}; refusals ${JSON.stringify(Object.fromEntries(refusals))}; recovered (healthz 200 on every node) ${recoveryMs.toFixed(0)} ms after restore; ` +
				`first casts after restore answered in ≤ ${max(firstMs)} ms, ${[...afterRestore.values()].reduce((n, c) => n + c, 0)} refused; ${earlier} had landed though their answer was lost; ` +
				`${receipts.size} receipts all published, ${counted} counted; slowest ack ${max(castMs)} ms`
		);
	}, 600_000);
});
