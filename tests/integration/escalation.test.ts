/** Escalation to the street (REFERENCE.md §4) and search, on the real build. */
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	ApiClient,
	createSessionWithInvites,
	eventually,
	expectStatus,
	joinAs,
	startServer,
	userClient,
	type ServerHandle
} from './harness';

const SECRET = 'test-webhook-secret-0123456789';

interface Hook {
	event: string;
	body: string;
	signature: string;
	timestamp: string;
}

describe('escalation to the street, webhook and public archive search', () => {
	let server: ServerHandle;
	let hookServer: Server;
	const hooks: Hook[] = [];
	let failNext = 1;
	beforeAll(async () => {
		hookServer = createServer((req, res) => {
			let body = '';
			req.on('data', (c) => (body += c));
			req.on('end', () => {
				hooks.push({
					event: String(req.headers['x-yishi-event']),
					body,
					signature: String(req.headers['x-yishi-signature']),
					timestamp: String(req.headers['x-yishi-timestamp'])
				});
				// The platform is down once: the delivery must be retried.
				res.writeHead(failNext-- > 0 ? 503 : 200).end();
			});
		});
		await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
		const port = (hookServer.address() as AddressInfo).port;
		server = await startServer({
			env: { YISHI_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`, YISHI_WEBHOOK_SECRET: SECRET }
		});
	});
	afterAll(async () => {
		await server?.dispose();
		hookServer?.close();
	});

	it('hands an unresolved item up with the record, moves step by step, and publishes the answer', async () => {
		const fx = await createSessionWithInvites(server, {
			title: '非机动车库改造协商会',
			items: [{ title: '车库改造费用分摊' }]
		});
		const item = fx.session.items[0]!;
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		expectStatus(
			await wang.post(`/api/v1/sessions/${fx.session.id}/statements`, {
				text: '车库长期闲置，建议改造成老年活动室'
			}),
			201
		);
		const street = await userClient(server, fx.admin, 'street');

		// Only unresolved items go up.
		expect(
			(await fx.moderator.post(`/api/v1/items/${item.id}/escalations`, { note: 'x' })).status
		).toBe(409);
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${item.id}/status`, { status: 'unresolved' }),
			200
		);
		expect((await wang.post(`/api/v1/items/${item.id}/escalations`, { note: 'x' })).status).toBe(
			403
		);
		const created = expectStatus<{ id: string; status: string; deadline: string }>(
			await fx.moderator.post(`/api/v1/items/${item.id}/escalations`, {
				note: '物业与居民对费用分摊无法达成一致，请街道协调'
			}),
			201
		);
		expect(created.status).toBe('submitted');
		const hoursAhead = (Date.parse(created.deadline) - Date.now()) / 3_600_000;
		expect(hoursAhead).toBeGreaterThan(3.9);
		expect(hoursAhead).toBeLessThanOrEqual(4);

		// The street's officials hear of the new case in their feed.
		const feed = expectStatus<{
			unread: number;
			items: { kind: string; text: string; url?: string }[];
		}>(await street.get('/api/v1/notifications'), 200);
		expect(feed.items.find((n) => n.kind === 'escalation_submitted')).toMatchObject({
			text: expect.stringContaining('车库改造费用分摊'),
			url: `/street/${created.id}`
		});
		const inbox = expectStatus<{ id: string; overdue: boolean; itemTitle: string }[]>(
			await street.get('/api/v1/escalations'),
			200
		);
		expect(inbox.find((c) => c.id === created.id)).toMatchObject({
			overdue: false,
			itemTitle: '车库改造费用分摊'
		});
		expect((await wang.get('/api/v1/escalations')).status).toBe(403);

		const full = expectStatus<{
			transcript: { entries: { type: string }[]; head: string };
			note: string;
			proposal: { text: string };
		}>(await street.get(`/api/v1/escalations/${created.id}`), 200);
		expect(full.transcript.entries.map((e) => e.type)).toContain('statement');
		expect(full.note).toContain('无法达成一致');
		expect((await new ApiClient(server).get(`/api/v1/escalations/${created.id}`)).status).toBe(401);

		expect(
			(await street.post(`/api/v1/escalations/${created.id}/answer`, { text: '太早' })).status
		).toBe(409);
		expectStatus(await street.post(`/api/v1/escalations/${created.id}/accept`, {}), 200);
		expect((await street.post(`/api/v1/escalations/${created.id}/accept`, {})).status).toBe(409);
		const consultation = expectStatus<{ sessionId: string }>(
			await street.post(`/api/v1/escalations/${created.id}/consultation`, {}),
			201
		);
		const expertInvite = expectStatus<{ url: string }>(
			await street.post(`/api/v1/sessions/${consultation.sessionId}/invites`, { role: 'expert' }),
			201
		);
		const expert = await joinAs(server, expertInvite.url.split('/').pop()!, '同济大学规划专家');
		expect(expert.sessionId).toBe(consultation.sessionId);
		expectStatus(await street.post(`/api/v1/escalations/${created.id}/start`, {}), 200);
		const answered = expectStatus<{ status: string; answer: { text: string } }>(
			await street.post(`/api/v1/escalations/${created.id}/answer`, {
				text: '街道出资六成，其余按户均摊；改造为老年活动室'
			}),
			200
		);
		expect(answered).toMatchObject({
			status: 'answered',
			answer: { text: expect.stringContaining('老年活动室') }
		});

		// The residents of the escalated session are told (REFERENCE.md §6 notifications).
		const news = expectStatus<{ items: { kind: string; text: string }[] }>(
			await wang.get('/api/v1/notifications'),
			200
		);
		expect(news.items[0]).toMatchObject({ kind: 'escalation_answered' });
		expect(news.items[0]!.text).toMatch(/^街道已答复「.+」的上报$/);

		// Public once answered; the answer is in the community's own record of the item.
		const anon = new ApiClient(server);
		expect((await anon.get(`/api/v1/escalations/${created.id}`)).status).toBe(200);
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`, {}), 200);
		const record = expectStatus<{ entries: { type: string }[] }>(
			await anon.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		expect(record.entries.map((e) => e.type)).toEqual(
			expect.arrayContaining(['escalated', 'escalation_answered'])
		);
		expectStatus(await street.post(`/api/v1/escalations/${created.id}/close`, {}), 200);

		// Search finds a Chinese word that appears only inside a longer sentence.
		const found = expectStatus<{ results: { kind: string; sessionId: string; snippet: string }[] }>(
			await anon.get(`/api/v1/search?q=${encodeURIComponent('活动室')}`),
			200
		);
		expect(found.results.map((r) => r.kind)).toEqual(
			expect.arrayContaining(['statement', 'answer'])
		);
		expect(found.results.every((r) => r.sessionId === fx.session.id)).toBe(true);
		expect(found.results.find((r) => r.kind === 'statement')!.snippet).toContain('老年活动室');

		// Webhook: every step signed, the first attempt refused and retried.
		type Delivery = { event: string; status: string; attempts: number };
		const settled = async () => {
			const list = (await street.get(`/api/v1/escalations/${created.id}/deliveries`))
				.body as Delivery[];
			return list.length === 5 && list.every((d) => d.status === 'delivered') ? list : null;
		};
		const log = await eventually(settled, 30_000, 'all five case events delivered');
		for (const h of hooks) {
			const expected = `sha256=${createHmac('sha256', SECRET).update(`${h.timestamp}.${h.body}`).digest('hex')}`;
			expect(h.signature).toBe(expected);
		}
		expect(log[0]).toMatchObject({
			event: 'escalation.submitted',
			status: 'delivered',
			attempts: 2
		});
		expect(log.map((d) => d.event)).toEqual(
			expect.arrayContaining([
				'escalation.accepted',
				'escalation.in_progress',
				'escalation.answered',
				'escalation.closed'
			])
		);
	}, 90_000);

	it('flags a case overdue once its deadline passes', async () => {
		const fx = await createSessionWithInvites(server);
		const street = await userClient(server, fx.admin, 'street');
		expectStatus(
			await fx.admin.post('/api/v1/streets/default-street/settings', { responseHours: 0 }),
			200
		);
		const item = fx.session.items[0]!;
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${item.id}/status`, { status: 'unresolved' }),
			200
		);
		const created = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${item.id}/escalations`, { note: '逾期测试' }),
			201
		);
		await new Promise((r) => setTimeout(r, 50));
		const inbox = expectStatus<{ id: string; overdue: boolean }[]>(
			await street.get('/api/v1/escalations'),
			200
		);
		expect(inbox.find((c) => c.id === created.id)?.overdue).toBe(true);
		expectStatus(
			await fx.admin.post('/api/v1/streets/default-street/settings', { responseHours: 4 }),
			200
		);
	});
});

describe('the street hears of its cases', () => {
	let server: ServerHandle;
	beforeAll(async () => {
		server = await startServer({ env: { YISHI_TEST_CLOCK: '1' } });
	});
	afterAll(async () => {
		await server?.dispose();
	});

	it('tells its own officials of a new case, an hour before the answer is due, and when it is overdue', async () => {
		const fx = await createSessionWithInvites(server);
		const street = await userClient(server, fx.admin, 'street');
		const elsewhere = expectStatus<{ id: string }>(
			await fx.admin.post('/api/v1/streets', { name: '别的街道' }),
			201
		);
		const outsider = new ApiClient(server);
		expectStatus(
			await fx.admin.post('/api/v1/users', {
				username: 'street-elsewhere',
				password: 'street-elsewhere-pw',
				role: 'street',
				streetId: elsewhere.id
			}),
			201
		);
		expectStatus(await outsider.login('street-elsewhere', 'street-elsewhere-pw'), 200);
		const item = fx.session.items[0]!;
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${item.id}/status`, { status: 'unresolved' }),
			200
		);
		const created = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${item.id}/escalations`, { note: '提醒测试' }),
			201
		);
		const kinds = async (client: ApiClient) =>
			expectStatus<{ items: { kind: string; url?: string }[] }>(
				await client.get('/api/v1/notifications'),
				200
			)
				.items.filter((n) => n.url === `/street/${created.id}`)
				.map((n) => n.kind)
				.sort();
		expect(await kinds(street)).toEqual(['escalation_submitted']);

		// The default response time is 4 h: 2 h 55 min later nothing new; 3 h 5 min later, due soon.
		expectStatus(
			await fx.admin.post('/api/v1/test/clock', { advanceSeconds: 2 * 3600 + 3300 }),
			200
		);
		expect(await kinds(street)).toEqual(['escalation_submitted']);
		expectStatus(await fx.admin.post('/api/v1/test/clock', { advanceSeconds: 600 }), 200);
		expect(await kinds(street)).toEqual(['escalation_due_soon', 'escalation_submitted']);
		// Past the deadline, once; again later, nothing more.
		expectStatus(await fx.admin.post('/api/v1/test/clock', { advanceSeconds: 3600 }), 200);
		expectStatus(await fx.admin.post('/api/v1/test/clock', { advanceSeconds: 3600 }), 200);
		expect(await kinds(street)).toEqual([
			'escalation_due_soon',
			'escalation_overdue',
			'escalation_submitted'
		]);
		// Another street's official hears nothing of it.
		expect(await kinds(outsider)).toEqual([]);
		// Each reader reads the feed in their own language.
		const said = async (locale: string) => {
			const reader = street.clone();
			reader.cookies.set('PARAGLIDE_LOCALE', {
				name: 'PARAGLIDE_LOCALE',
				value: locale,
				attributes: {}
			});
			const feed = expectStatus<{ items: { kind: string; text: string }[] }>(
				await reader.get('/api/v1/notifications'),
				200
			);
			return feed.items.find((n) => n.kind === 'escalation_overdue')!.text;
		};
		expect(await said('zh-CN')).toMatch(/^「.+」的上报已超过 .+ 的答复时限$/);
		expect(await said('zh-TW')).toContain('答覆時限');
		expect(await said('en')).toMatch(/^The case “.+” is past its .+ deadline, unanswered$/);
	});
});
