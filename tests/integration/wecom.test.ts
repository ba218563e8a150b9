/**
 * A community's WeCom (企业微信) group robot on the real build, on both stores: a local HTTP stub
 * stands in for qyapi.weixin.qq.com (http://127.0.0.1 is accepted only with the test clock).
 * A vote notice reaches the group once as the robot's markdown JSON, a 500 from the robot is
 * retried, the daily digest goes out once at 20:00 Beijing time, and the key is never shown back.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommunityChannelsView } from '../../src/lib/protocol/community';
import {
	adminClient,
	availableStores,
	createSessionWithInvites,
	expectStatus,
	startServer,
	userClient,
	type ApiClient,
	type ServerHandle
} from './harness';

const COMMUNITY = 'default-community';
const KEY = 'stub-key-7c1e-4b5a-9d2f-31aa';

interface Received {
	msgtype: string;
	markdown: { content: string };
}

/** The robot: records every message; answers 500 while `failures` > 0. */
function robot() {
	const received: Received[] = [];
	const waiters: (() => void)[] = [];
	const state = { failures: 0, attempts: 0 };
	const read = (req: IncomingMessage) =>
		new Promise<string>((resolve) => {
			let body = '';
			req.on('data', (c: Buffer) => (body += c.toString('utf8')));
			req.on('end', () => resolve(body));
		});
	const server: Server = createServer((req, res) => {
		void read(req).then((body) => {
			state.attempts++;
			if (state.failures > 0) {
				state.failures--;
				res.writeHead(500).end();
			} else {
				received.push(JSON.parse(body) as Received);
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ errcode: 0, errmsg: 'ok' }));
			}
			for (const w of waiters.splice(0)) w();
		});
	});
	/** Resolves once a received message satisfies `test` (no fixed sleeps). */
	const until = (test: () => boolean, timeoutMs = 20_000) =>
		new Promise<void>((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('the robot got nothing in time')), timeoutMs);
			const check = () => {
				if (test()) {
					clearTimeout(timer);
					resolve();
				} else waiters.push(check);
			};
			check();
		});
	return { server, received, state, until };
}

describe.each(availableStores())('WeCom group robot (%s)', (store) => {
	let server: ServerHandle;
	let admin: ApiClient;
	const hook = robot();
	let url = '';

	beforeAll(async () => {
		await new Promise<void>((resolve) => hook.server.listen(0, '127.0.0.1', resolve));
		const { port } = hook.server.address() as AddressInfo;
		url = `http://127.0.0.1:${port}/cgi-bin/webhook/send?key=${KEY}`;
		// A fresh store's migrations can take minutes when the machine is shared and busy.
		server = await startServer({
			store,
			env: { YISHI_TEST_CLOCK: '1' },
			startTimeoutMs: 280_000
		});
		admin = await adminClient(server);
	}, 300_000);
	afterAll(async () => {
		await server?.dispose();
		await new Promise((resolve) => hook.server.close(resolve));
	});

	const channels = `/api/v1/communities/${COMMUNITY}/channels`;
	const contents = () => hook.received.map((r) => r.markdown.content);
	const count = (text: string) => contents().filter((c) => c.includes(text)).length;

	/** The delivery log once `ready` holds for it (the row is written just after the robot answers). */
	async function logWhen(ready: (v: CommunityChannelsView) => boolean) {
		const deadline = Date.now() + 20_000;
		for (;;) {
			const view = expectStatus(await admin.get(channels), 200) as CommunityChannelsView;
			if (ready(view) || Date.now() > deadline) return view;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	}

	/** Sends a test message and waits for it: every earlier message has had its passes by then. */
	async function flush() {
		const before = count('测试消息');
		expectStatus(await admin.post(`${channels}/test`, {}), 202);
		await hook.until(() => count('测试消息') > before);
	}

	it('is set by moderators, validated, audited, and its key never shown back', async () => {
		const clerk = await userClient(server, admin, 'clerk');
		expect((await clerk.get(channels)).status).toBe(403);
		expect((await clerk.request('PUT', channels, { json: { wecomDigest: true } })).status).toBe(
			403
		);
		const bad = await admin.request('PUT', channels, {
			json: { wecomWebhook: 'https://evil.example/cgi-bin/webhook/send?key=abc12345' }
		});
		expect(bad.status).toBe(400);
		expect((bad.body as { error: { code: string } }).error.code).toBe('invalid_webhook');
		expect((await admin.request('PUT', channels, { json: {} })).status).toBe(400);
		// Nothing to test yet.
		expect((await admin.post(`${channels}/test`, {})).status).toBe(409);

		const set = await admin.request('PUT', channels, {
			json: { wecomWebhook: url, wecomDigest: true }
		});
		const view = expectStatus(set, 200) as CommunityChannelsView;
		expect(view.wecomDigest).toBe(true);
		expect(view.wecomWebhook).toMatch(/\?key=•+31aa$/);
		expect(JSON.stringify(view)).not.toContain(KEY);
		expect(JSON.stringify(await admin.get(channels))).not.toContain(KEY);

		const auditLog = expectStatus(await admin.get(`/api/v1/audit?communityId=${COMMUNITY}`), 200);
		expect(JSON.stringify(auditLog)).toContain('community_channels_changed');
		expect(JSON.stringify(auditLog)).not.toContain(KEY);
		await flush();
	});

	it('sends a vote notice to the group once, as the robot’s markdown, with its link', async () => {
		const fx = await createSessionWithInvites(server, { title: '加装电梯议事会' });
		const question = `是否同意加装电梯？（${store}）`;
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question,
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		const notice = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/votes/${vote.id}/notice`, { place: 'D栋一楼大厅' }),
			201
		);
		await hook.until(() => count(question) > 0);
		const message = hook.received.find((r) => r.markdown.content.includes(question))!;
		expect(message.msgtype).toBe('markdown');
		expect(message.markdown.content).toContain(`公告：「${question}」`);
		expect(message.markdown.content).toContain(`(${server.origin}/notices/${notice.id})`);
		await flush();
		expect(count(question)).toBe(1);

		const log = expectStatus(await admin.get(channels), 200) as CommunityChannelsView;
		const row = log.deliveries.find((d) => d.kind === 'vote_notice')!;
		expect(row).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200 });
	});

	it('retries after the robot answers 500', async () => {
		hook.state.failures = 1;
		const attempts = hook.state.attempts;
		const before = count('测试消息');
		expectStatus(await admin.post(`${channels}/test`, {}), 202);
		await hook.until(() => hook.state.attempts > attempts);
		const failed = await logWhen((v) => v.deliveries[0]?.attempts === 1);
		expect(failed.deliveries[0]).toMatchObject({
			kind: 'channel_test',
			status: 'pending',
			attempts: 1,
			lastStatus: 500
		});
		// The first retry is due 5 s later: move the clock instead of waiting.
		expectStatus(await admin.post('/api/v1/test/clock', { advanceSeconds: 10 }), 200);
		await hook.until(() => count('测试消息') > before);
		const done = await logWhen((v) => v.deliveries[0]?.status === 'delivered');
		expect(done.deliveries[0]).toMatchObject({ status: 'delivered', attempts: 2 });
	});

	it('sends the daily digest once a day at 20:00 Beijing time', async () => {
		const now = Date.parse(
			expectStatus<{ now: string }>(await admin.get('/api/v1/test/clock'), 200).now
		);
		await createSessionWithInvites(server, {
			title: `停车位云协商（${store}）`,
			kind: 'cloud',
			items: [{ title: '停车位改造' }],
			extra: { closesAt: new Date(now + 7 * 86_400_000).toISOString() }
		});
		// Seconds to the next 20:00 in Asia/Shanghai (UTC+8, no daylight saving).
		const DAY = 86_400_000;
		const beijing = now + 8 * 3_600_000;
		let next = Math.floor(beijing / DAY) * DAY + 20 * 3_600_000;
		if (next <= beijing) next += DAY;
		const seconds = Math.ceil((next - beijing) / 1000) + 60;
		// Already past 20:00 in Beijing: today's digest goes out now, tomorrow's after the move.
		const days = (beijing % DAY) / 3_600_000 >= 20 ? 2 : 1;
		expectStatus(await admin.post('/api/v1/test/clock', { advanceSeconds: seconds }), 200);
		await hook.until(() => count('【议事日报】') >= days);
		const digest = contents().find((c) => c.includes('【议事日报】'))!;
		expect(digest).toContain(`停车位云协商（${store}）`);
		expect(digest).toContain('今日动态：');
		expect(digest).toContain(`${server.origin}/s/`);
		// Later passes the same evening queue nothing more: one message a day.
		expectStatus(await admin.post('/api/v1/test/clock', { advanceSeconds: 3600 }), 200);
		await flush();
		expect(count('【议事日报】')).toBe(days);
	});
});
