/**
 * Web Push (RFC 8030/8291/8292) against a local HTTP server acting as the push service: a
 * subscribed phone gets an encrypted `aes128gcm` message with a VAPID Authorization header
 * when its room is notified; a subscription the service reports gone (410) is dropped.
 */
import { createECDH, randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	ApiClient,
	createSessionWithInvites,
	eventually,
	expectStatus,
	joinAs,
	startServer,
	type ServerHandle
} from './harness';

/** http_ece decrypts what web-push encrypted (it is web-push's own dependency). */
const ece = createRequire(import.meta.url)('http_ece') as {
	decrypt(
		body: Buffer,
		params: { version: string; privateKey: unknown; authSecret: Buffer }
	): Buffer;
};

interface Received {
	path: string;
	headers: IncomingHttpHeaders;
	body: Buffer;
}

/** A push service on 127.0.0.1 that records every message and answers `status`. */
function fakePushService() {
	const received: Received[] = [];
	let status = 201;
	const server: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', () => {
			received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
			res.statusCode = status;
			res.end();
		});
	});
	return {
		received,
		answer(code: number) {
			status = code;
		},
		async listen() {
			await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
			return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
		},
		close: () => new Promise<void>((r) => server.close(() => r()))
	};
}

/** What a browser's PushManager would hand over: a P-256 key pair and an auth secret. */
function browserKeys() {
	const ecdh = createECDH('prime256v1');
	ecdh.generateKeys();
	const auth = randomBytes(16);
	return {
		ecdh,
		auth,
		keys: {
			p256dh: ecdh.getPublicKey().toString('base64url'),
			auth: auth.toString('base64url')
		}
	};
}

describe('Web Push delivery', () => {
	let server: ServerHandle;
	const push = fakePushService();
	let pushBase: string;
	beforeAll(async () => {
		pushBase = await push.listen();
		server = await startServer({ env: { YISHI_TEST_CLOCK: '1' } });
	});
	afterAll(async () => {
		await server?.dispose();
		await push.close();
	});

	it('validates subscriptions', async () => {
		const fx = await createSessionWithInvites(server);
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const { publicKey } = expectStatus<{ publicKey: string }>(
			await wang.get('/api/v1/push/key'),
			200
		);
		expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
		// The key pair is made once and kept.
		expect((await new ApiClient(server).get('/api/v1/push/key')).body).toEqual({ publicKey });
		const { keys } = browserKeys();
		const codeOf = async (body: unknown, client: ApiClient = wang) => {
			const res = await client.post('/api/v1/push/subscriptions', body);
			return [res.status, (res.body as { error?: { code: string } }).error?.code];
		};
		expect(await codeOf({ endpoint: 'http://push.example.com/x', keys })).toEqual([
			400,
			'invalid_endpoint'
		]);
		expect(await codeOf({ endpoint: 'not a url', keys })).toEqual([400, 'invalid_payload']);
		expect(await codeOf({ endpoint: 'https://push.example.com/x' })).toEqual([
			400,
			'invalid_payload'
		]);
		expect(
			await codeOf({ endpoint: 'https://push.example.com/x', keys }, new ApiClient(server))
		).toEqual([401, 'unauthorized']);
		expect(await codeOf({ endpoint: 'https://push.example.com/x', keys })).toEqual([
			201,
			undefined
		]);
		expect(
			(
				await wang.del('/api/v1/push/subscriptions', {
					json: { endpoint: 'https://push.example.com/x' }
				})
			).status
		).toBe(204);
	});

	it('sends an encrypted message with VAPID to subscribed members, and drops gone ones', async () => {
		const fx = await createSessionWithInvites(server, { title: '加装电梯协商会' });
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const phone = browserKeys();
		const endpoint = `${pushBase}/push/wang-phone`;
		expectStatus(
			await wang.post('/api/v1/push/subscriptions', { endpoint, keys: phone.keys }),
			201
		);

		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意加装电梯',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		const opened = await fx.moderator.post(`/api/v1/votes/${vote.id}/open`);
		expect(opened.status).toBe(200);

		const message = await eventually(() =>
			push.received.find((r) => r.path === '/push/wang-phone')
		);
		expect(message.headers['content-encoding']).toBe('aes128gcm');
		expect(Number(message.headers.ttl)).toBeGreaterThan(0);
		const { publicKey } = (await wang.get<{ publicKey: string }>('/api/v1/push/key')).body;
		expect(message.headers.authorization).toMatch(
			new RegExp(`^vapid t=[\\w-]+\\.[\\w-]+\\.[\\w-]+, k=${publicKey}$`)
		);
		const payload = JSON.parse(
			ece
				.decrypt(message.body, {
					version: 'aes128gcm',
					privateKey: phone.ecdh,
					authSecret: phone.auth
				})
				.toString('utf8')
		) as { body: string; url: string; id: number };
		expect(payload.body).toBe('「是否同意加装电梯」开始表决');
		expect(payload.url).toBe(`/s/${fx.session.id}`);

		// The push service says the subscription is gone: it is removed, nothing more is sent.
		push.answer(410);
		const before = push.received.length;
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/close`), 200);
		await eventually(() => push.received.length === before + 1);
		await server.waitForLog((l) => l.msg === 'push subscription gone, removed', 10_000);
		const toWang = () => push.received.filter((r) => r.path === '/push/wang-phone').length;
		const sentToWang = toWang();
		push.answer(201);
		// A second phone, still subscribed, is how "nothing more is sent" is observed: the session's
		// close is pushed to every subscription left in one pass, so once this phone has it, a
		// message to Wang's removed one would have been sent too.
		const li = await joinAs(server, fx.invites.resident!.token, '李叔');
		const liPhone = browserKeys();
		expectStatus(
			await li.post('/api/v1/push/subscriptions', {
				endpoint: `${pushBase}/push/li-phone`,
				keys: liPhone.keys
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`), 200);
		await eventually(() => push.received.some((r) => r.path === '/push/li-phone'));
		expect(toWang()).toBe(sentToWang);
	});
});
