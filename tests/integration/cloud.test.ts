/**
 * Cloud negotiation over days (REFERENCE.md §6) on the real build with the test clock: sessions
 * with an end, votes with deadlines closing by themselves exactly as by hand, the
 * notification feed with its read cursor, extensions, and races between a manual close and
 * the scheduler.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedView, TallyView, TranscriptView, VoteView } from '../../src/lib/protocol';
import {
	ApiClient,
	availableStores,
	createSessionWithInvites,
	emitAck,
	eventually,
	expectStatus,
	joinAs,
	nextEvent,
	socketClient,
	startServer,
	type ClientSocket,
	type ServerHandle,
	type SessionFixture
} from './harness';

const HOUR = 3600;
const DAY = 24 * HOUR;

interface SessionBody {
	id: string;
	status: string;
	closesAt: string | null;
	opensAt: string | null;
}

async function serverNow(client: ApiClient): Promise<number> {
	const { now } = expectStatus<{ now: string }>(await client.get('/api/v1/test/clock'), 200);
	return Date.parse(now);
}

async function advance(client: ApiClient, seconds: number) {
	expectStatus(
		await client.post('/api/v1/test/clock', { advanceSeconds: seconds }),
		200,
		'advance the clock'
	);
}

/** Shanghai wall-clock ISO (`+08:00`): the API takes any offset. */
function shanghaiIso(ms: number): string {
	return new Date(ms + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
}

const yesNo = (closesAt?: string) => ({
	question: '是否同意加装电梯分摊方案',
	kind: 'yes_no_abstain',
	secret: false,
	tally: 'live',
	eligibility: 'participants',
	rule: { kind: 'majority_cast' },
	...(closesAt ? { closesAt } : {})
});

async function feed(client: ApiClient): Promise<FeedView> {
	return expectStatus<FeedView>(await client.get('/api/v1/notifications'), 200, 'feed');
}

async function transcriptOf(client: ApiClient, sessionId: string) {
	return expectStatus<TranscriptView>(
		await client.get(`/api/v1/sessions/${sessionId}/transcript`),
		200
	).entries;
}

async function cloudSession(server: ServerHandle, closesInSeconds: number, extra = {}) {
	const admin = new ApiClient(server);
	const now = await serverNow(admin);
	return createSessionWithInvites(server, {
		kind: 'cloud',
		title: '加装电梯云协商',
		items: [{ title: '电梯费用分摊' }, { title: '施工时间安排' }],
		roles: ['resident'],
		extra: { closesAt: shanghaiIso(now + closesInSeconds * 1000), ...extra }
	});
}

async function joined(server: ServerHandle, client: ApiClient, sessionId: string) {
	const socket = await socketClient(server, client);
	const ack = await emitAck(socket, 'session:join', { sessionId });
	expect(ack).toMatchObject({ ok: true });
	return socket;
}

describe.each(availableStores())('cloud sessions over a simulated week (%s)', (store) => {
	let server: ServerHandle;
	const sockets: ClientSocket[] = [];
	beforeAll(async () => {
		server = await startServer({ store, env: { YISHI_TEST_CLOCK: '1' } });
	});
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		await server?.dispose();
	});

	it('votes close at their deadline, the session at its end, as if closed by hand', async () => {
		const fx = await cloudSession(server, 7 * DAY);
		const sid = fx.session.id;
		expect(fx.session).toMatchObject({ kind: 'cloud', status: 'open' });
		const token = fx.invites.resident!.token;
		const wang = await joinAs(server, token, '王阿姨');
		const li = await joinAs(server, token, '李师傅');
		const zhang = await joinAs(server, token, '张老师');
		const [sw, sl, sz] = await Promise.all([wang, li, zhang].map((c) => joined(server, c, sid)));
		sockets.push(sw!, sl!, sz!);

		const start = await serverNow(fx.moderator);
		const vote = expectStatus<{ id: string; closesAt: string }>(
			await fx.moderator.post(
				`/api/v1/items/${fx.session.items[0]!.id}/votes`,
				yesNo(shanghaiIso(start + 2 * DAY * 1000))
			),
			201
		);
		expect(Date.parse(vote.closesAt)).toBe(Math.floor((start + 2 * DAY * 1000) / 1000) * 1000);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`), 200);

		// Everyone in the room is told the vote opened, with its deadline in Shanghai time.
		const opened = await eventually(async () =>
			(await feed(wang)).items.find((n) => n.kind === 'vote_opened')
		);
		expect(opened.text).toMatch(
			/「是否同意加装电梯分摊方案」开始表决，\d+月\d+日 周. \d\d:\d\d截止/
		);
		expect((await feed(wang)).unread).toBe(1);

		for (const [s, choice] of [
			[sw, 'yes'],
			[sl, 'yes'],
			[sz, 'no']
		] as const) {
			expect(await emitAck(s!, 'ballot:cast', { voteId: vote.id, choice })).toMatchObject({
				ok: true
			});
		}

		// A day later nothing has closed yet.
		await advance(fx.moderator, DAY);
		expect(expectStatus<TallyView>(await wang.get(`/api/v1/votes/${vote.id}`), 200).status).toBe(
			'open'
		);

		const closedState = nextEvent(sz!, 'vote:state', 10_000, (v) => v.status === 'closed');
		const notified = nextEvent(sw!, 'notification', 10_000, (n) => n.kind === 'vote_closed');
		await advance(fx.moderator, DAY + 60);

		const tally = expectStatus<TallyView>(await wang.get(`/api/v1/votes/${vote.id}`), 200);
		expect(tally.status).toBe('closed');
		expect(tally.result?.passed).toBe(true);
		expect(tally.counts?.yes?.headcount).toBe(2);
		const pushed = await closedState;
		expect(pushed).toMatchObject({ id: vote.id, status: 'closed' });
		expect((pushed as VoteView).current.result?.passed).toBe(true);
		expect((await notified).text).toBe('「是否同意加装电梯分摊方案」表决已结束：通过');

		const entries = await transcriptOf(wang, sid);
		const closes = entries.filter((e) => e.type === 'vote_closed');
		expect(closes).toHaveLength(1);
		expect(closes[0]!.actor).toMatchObject({ id: 'system', role: 'system' });
		expect(closes[0]!.data).toMatchObject({ voteId: vote.id, question: yesNo().question });
		expect(
			(closes[0]!.data as { ballots: { name: string }[] }).ballots.map((b) => b.name).sort()
		).toEqual(['张老师', '李师傅', '王阿姨'].sort());

		// The feed: newest first, two unread; reading moves a cursor that never goes back.
		const news = await feed(li);
		expect(news.items.map((n) => n.kind).slice(0, 2)).toEqual(['vote_closed', 'vote_opened']);
		expect(news.unread).toBe(2);
		expect(news.items[0]).toMatchObject({ sessionId: sid, itemId: fx.session.items[0]!.id });
		expect((await li.post('/api/v1/notifications/read', { upTo: news.items[0]!.id })).status).toBe(
			204
		);
		expect((await feed(li)).unread).toBe(0);
		expect((await li.post('/api/v1/notifications/read', { upTo: 1 })).status).toBe(204);
		expect((await feed(li)).unread).toBe(0);
		const bad = await li.post('/api/v1/notifications/read', { upTo: 'latest' });
		expect(bad.status).toBe(400);
		expect((bad.body as { error: { code: string } }).error.code).toBe('invalid_payload');
		expect((await feed(wang)).unread).toBe(2); // each reader has their own cursor
		expect((await new ApiClient(server).get('/api/v1/notifications')).status).toBe(401);

		// Extending: later only, by the moderator, recorded and announced.
		const session0 = expectStatus<SessionBody>(await wang.get(`/api/v1/sessions/${sid}`), 200);
		const end0 = Date.parse(session0.closesAt!);
		const back = await fx.moderator.post(`/api/v1/sessions/${sid}/extend`, {
			closesAt: shanghaiIso(end0 - HOUR * 1000)
		});
		expect(back.status).toBe(400);
		expect((back.body as { error: { code: string } }).error.code).toBe('closes_at_not_later');
		const past = await fx.moderator.post(`/api/v1/sessions/${sid}/extend`, {
			closesAt: new Date(start).toISOString()
		});
		expect((past.body as { error: { code: string } }).error.code).toBe('closes_at_in_past');
		expect(
			(
				await wang.post(`/api/v1/sessions/${sid}/extend`, {
					closesAt: shanghaiIso(end0 + DAY * 1000)
				})
			).status
		).toBe(403);
		const extended = expectStatus<SessionBody>(
			await fx.moderator.post(`/api/v1/sessions/${sid}/extend`, {
				closesAt: shanghaiIso(end0 + DAY * 1000)
			}),
			200
		);
		expect(Date.parse(extended.closesAt!)).toBe(end0 + DAY * 1000);
		const ext = (await transcriptOf(wang, sid)).find((e) => e.type === 'session_extended');
		expect(ext?.data).toMatchObject({
			from: new Date(end0).toISOString(),
			to: new Date(end0 + DAY * 1000).toISOString()
		});
		expect((await feed(wang)).items[0]).toMatchObject({ kind: 'session_extended' });

		// A second vote without a deadline stays open until the session ends.
		const tooLate = await fx.moderator.post(
			`/api/v1/items/${fx.session.items[1]!.id}/votes`,
			yesNo(shanghaiIso(end0 + 2 * DAY * 1000))
		);
		expect(tooLate.status).toBe(400);
		expect((tooLate.body as { error: { code: string } }).error.code).toBe(
			'closes_at_after_session_end'
		);
		const second = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[1]!.id}/votes`, {
				...yesNo(),
				question: '是否同意周末不施工'
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${second.id}/open`), 200);
		expect(await emitAck(sw!, 'ballot:cast', { voteId: second.id, choice: 'yes' })).toMatchObject({
			ok: true
		});

		// Within 24 h of the (new) end: one "closing soon" notice, however often the clock ticks.
		const now = await serverNow(fx.moderator);
		const toSoon = (end0 + DAY * 1000 - now) / 1000 - 20 * HOUR;
		await advance(fx.moderator, Math.ceil(toSoon));
		await advance(fx.moderator, HOUR);
		const soon = (await feed(zhang)).items.filter((n) => n.kind === 'session_closing');
		expect(soon).toHaveLength(1);
		expect(soon[0]!.text).toMatch(/「加装电梯云协商」将于.+结束/);
		expect(expectStatus<SessionBody>(await wang.get(`/api/v1/sessions/${sid}`), 200).status).toBe(
			'open'
		);

		// The end: the open vote closes first with its result, then the session, both by `system`.
		const ended = nextEvent(sl!, 'session:state', 10_000, (s) => s.status === 'closed');
		await advance(fx.moderator, 20 * HOUR);
		expect((await ended).status).toBe('closed');
		const anonymous = new ApiClient(server);
		expect(
			expectStatus<SessionBody>(await anonymous.get(`/api/v1/sessions/${sid}`), 200).status
		).toBe('closed');
		const last = expectStatus<TallyView>(await anonymous.get(`/api/v1/votes/${second.id}`), 200);
		expect(last).toMatchObject({ status: 'closed', result: { passed: true } });
		const all = await transcriptOf(anonymous, sid);
		const types = all.map((e) => e.type);
		const secondClose = all.findIndex(
			(e) => e.type === 'vote_closed' && (e.data as { voteId: string }).voteId === second.id
		);
		expect(secondClose).toBeGreaterThan(-1);
		expect(types.indexOf('session_closed')).toBeGreaterThan(secondClose);
		expect(all.filter((e) => e.type === 'session_closed')).toHaveLength(1);
		expect(all.find((e) => e.type === 'session_closed')!.actor).toMatchObject({ id: 'system' });
		expect(all.filter((e) => e.type === 'vote_closed')).toHaveLength(2);
		const kinds = (await feed(li)).items.map((n) => n.kind);
		expect(kinds.slice(0, 2)).toEqual(['session_closed', 'vote_closed']);
		expect((await feed(li)).unread).toBe(5); // extended, vote opened, closing, closed, closed
		expect(await emitAck(sw!, 'ballot:cast', { voteId: second.id, choice: 'no' })).toMatchObject({
			ok: false
		});

		// The day's digest for the WeChat group: staff only, plain text.
		const digest = await fx.moderator.get(`/api/v1/sessions/${sid}/digest`);
		expect(digest.status).toBe(200);
		expect(digest.headers.get('content-type')).toMatch(/^text\/plain/);
		expect(digest.text).toContain('【议事日报】加装电梯云协商');
		expect(digest.text).toContain('表决「是否同意周末不施工」结束：通过，投票 1/3 人');
		expect(digest.text).toContain(`${server.origin}/s/${sid}`);
		expect((await wang.get(`/api/v1/sessions/${sid}/digest`)).status).toBe(403);
		const badDate = await fx.moderator.get(`/api/v1/sessions/${sid}/digest?date=2026-13-45`);
		expect((badDate.body as { error: { code: string } }).error.code).toBe('invalid_date');
	});

	it('refuses windows that make no sense, with clear codes', async () => {
		const admin = new ApiClient(server);
		const now = await serverNow(admin);
		const fx = await createSessionWithInvites(server, { kind: 'live' });
		const create = (extra: Record<string, unknown>) =>
			fx.moderator.post('/api/v1/sessions', {
				title: '云协商',
				kind: 'cloud',
				items: [{ title: '议题' }],
				...extra
			});
		const codeOf = async (p: ReturnType<typeof create>) => {
			const res = await p;
			expect(res.status).toBe(400);
			return (res.body as { error: { code: string } }).error.code;
		};
		expect(await codeOf(create({}))).toBe('closes_at_required');
		expect(await codeOf(create({ closesAt: shanghaiIso(now - HOUR * 1000) }))).toBe(
			'closes_at_in_past'
		);
		expect(
			await codeOf(
				create({
					opensAt: shanghaiIso(now + 2 * DAY * 1000),
					closesAt: shanghaiIso(now + DAY * 1000)
				})
			)
		).toBe('closes_at_before_opens_at');
		expect(await codeOf(create({ closesAt: '下周三' }))).toBe('invalid_payload');
		// A live session has no end to move; its votes may still carry a deadline in the future.
		const live = await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/extend`, {
			closesAt: shanghaiIso(now + DAY * 1000)
		});
		expect(live.status).toBe(409);
		const pastVote = await fx.moderator.post(
			`/api/v1/items/${fx.session.items[0]!.id}/votes`,
			yesNo(new Date(now - 60_000).toISOString())
		);
		expect((pastVote.body as { error: { code: string } }).error.code).toBe('closes_at_in_past');
	});

	it('before it opens, a cloud session can be read but not written or voted in', async () => {
		const admin = new ApiClient(server);
		const now = await serverNow(admin);
		const fx = await cloudSession(server, 5 * DAY, { opensAt: shanghaiIso(now + DAY * 1000) });
		const sid = fx.session.id;
		expect(Date.parse((fx.session as unknown as SessionBody).opensAt!)).toBe(
			Math.floor((now + DAY * 1000) / 1000) * 1000
		);
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		expect(
			(await wang.post(`/api/v1/sessions/${sid}/statements`, { text: '我先说两句' })).body
		).toMatchObject({ error: { code: 'session_not_open' } });
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, yesNo()),
			201
		);
		const early = await fx.moderator.post(`/api/v1/votes/${vote.id}/open`);
		expect(early.status).toBe(409);
		expect((early.body as { error: { code: string } }).error.code).toBe('session_not_open');

		await advance(admin, DAY);
		expect(
			(await wang.post(`/api/v1/sessions/${sid}/statements`, { text: '我先说两句' })).status
		).toBe(201);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`), 200);
	});

	it('a manual close racing the deadline records one close', async () => {
		const fx: SessionFixture = await cloudSession(server, 3 * DAY);
		const sid = fx.session.id;
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const socket = await joined(server, wang, sid);
		sockets.push(socket);
		const now = await serverNow(fx.moderator);
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(
				`/api/v1/items/${fx.session.items[0]!.id}/votes`,
				yesNo(new Date(now + HOUR * 1000).toISOString())
			),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`), 200);
		expect(await emitAck(socket, 'ballot:cast', { voteId: vote.id, choice: 'no' })).toMatchObject({
			ok: true
		});
		const [manual] = await Promise.all([
			fx.moderator.post(`/api/v1/votes/${vote.id}/close`),
			advance(fx.moderator, HOUR + 1)
		]);
		expect([200, 409]).toContain(manual.status);
		const afterVote = await transcriptOf(wang, sid);
		expect(afterVote.filter((e) => e.type === 'vote_closed')).toHaveLength(1);
		await eventually(async () => (await feed(wang)).items.some((n) => n.kind === 'vote_closed'));
		expect((await feed(wang)).items.filter((n) => n.kind === 'vote_closed')).toHaveLength(1);
		expect(
			expectStatus<TallyView>(await wang.get(`/api/v1/votes/${vote.id}`), 200).result?.passed
		).toBe(false);

		// The same for the session itself at its end.
		const left =
			Date.parse((fx.session as unknown as SessionBody).closesAt!) -
			(await serverNow(fx.moderator));
		const [closeByHand] = await Promise.all([
			fx.moderator.post(`/api/v1/sessions/${sid}/close`),
			advance(fx.moderator, Math.ceil(left / 1000) + 1)
		]);
		expect([200, 409]).toContain(closeByHand.status);
		const all = await transcriptOf(wang, sid);
		expect(all.filter((e) => e.type === 'session_closed')).toHaveLength(1);
		expect((await feed(wang)).items.filter((n) => n.kind === 'session_closed')).toHaveLength(1);
		const extendClosed = await fx.moderator.post(`/api/v1/sessions/${sid}/extend`, {
			closesAt: shanghaiIso((await serverNow(fx.moderator)) + DAY * 1000)
		});
		expect(extendClosed.status).toBe(409);
		expect((extendClosed.body as { error: { code: string } }).error.code).toBe('session_closed');
	});
});

describe('deadlines missed while the server was down run at start', () => {
	let server: ServerHandle;
	beforeAll(async () => {
		server = await startServer({ env: { YISHI_TEST_CLOCK: '1' } });
	});
	afterAll(() => server?.dispose());

	it('closes a vote whose deadline passed during a restart', async () => {
		const fx = await cloudSession(server, DAY);
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const deadline = (await serverNow(fx.moderator)) + 3_600_000;
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(
				`/api/v1/items/${fx.session.items[0]!.id}/votes`,
				yesNo(new Date(deadline).toISOString())
			),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`), 200);
		// Down for two hours: the node comes back with its clock past the deadline.
		await server.stop();
		server = await server.restart({
			YISHI_TEST_CLOCK_AT: new Date(deadline + 3_600_000).toISOString()
		});
		const tally = await eventually(async () => {
			const t = expectStatus<TallyView>(await wang.get(`/api/v1/votes/${vote.id}`), 200);
			return t.status === 'closed' ? t : null;
		});
		expect(tally.result).toBeDefined();
		const entries = await transcriptOf(wang, fx.session.id);
		expect(entries.filter((e) => e.type === 'vote_closed')).toHaveLength(1);
	});
});
