/**
 * The sign-in throttle, tried as the attacker and as the hall (rules in
 * src/lib/server/domain/login-throttle.ts): guessing slows down; a device that signed in before,
 * and a hundred people sharing one address, are never kept out by someone else's failures.
 * Every client here reaches the server from the same address, as a community hall's Wi-Fi does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	adminClient,
	ApiClient,
	expectStatus,
	startServer,
	userClient,
	type ServerHandle
} from './harness';

let server: ServerHandle;
let admin: ApiClient;
beforeAll(async () => {
	server = await startServer();
	admin = await adminClient(server);
});
afterAll(async () => {
	await server?.dispose();
});

const attempt = (client: ApiClient, username: string, password: string) =>
	client.post<{ error?: { code: string } }>('/api/v1/login', { username, password });

/** Fails `n` times on the account from a fresh (unknown) device; every failure is a 401. */
async function guess(username: string, n: number) {
	const guesser = new ApiClient(server);
	for (let i = 0; i < n; i++) expectStatus(await attempt(guesser, username, `wrong-${i}`), 401);
	return guesser;
}

describe('sign-in throttle', () => {
	it('[THROTTLE-ATTACK] after five free failures a guesser must wait, and the wait is announced', async () => {
		const moderator = await userClient(server, admin, 'moderator');
		const guesser = await guess(moderator.user.username, 6);
		const held = await attempt(guesser, moderator.user.username, 'wrong-again');
		expect(held.status).toBe(429);
		expect(held.body.error?.code).toBe('too_many_attempts');
		expect(Number(held.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
		// Not even the right password passes from an unknown device while the wait runs.
		const stranger = new ApiClient(server);
		expect((await attempt(stranger, moderator.user.username, moderator.password)).status).toBe(429);
	});

	it('[THROTTLE-DEVICE] the right password from a device that signed in before passes during an attack', async () => {
		const moderator = await userClient(server, admin, 'moderator');
		expect(moderator.cookies.has('yishi_device')).toBe(true);
		expectStatus(await moderator.post('/api/v1/logout'), 204);
		const guesser = await guess(moderator.user.username, 6);
		expect((await attempt(guesser, moderator.user.username, 'x')).status).toBe(429);
		// The moderator's own phone, signed out, signs in at once.
		expectStatus(await attempt(moderator, moderator.user.username, moderator.password), 200);
		// A stolen-looking cookie for another account is just an unknown device.
		const other = await userClient(server, admin, 'clerk');
		await guess(other.user.username, 6);
		const borrowed = moderator.clone();
		expect((await attempt(borrowed, other.user.username, other.password)).status).toBe(429);
	});

	it('[THROTTLE-HALL] sixty mistakes in one hall do not keep the moderator on a new phone out', async () => {
		const moderator = await userClient(server, admin, 'moderator');
		const accounts = Array.from({ length: 30 }, (_, i) => `hall-${i}`);
		for (const name of accounts) await guess(name, 2);
		const newPhone = new ApiClient(server);
		expectStatus(await attempt(newPhone, moderator.user.username, moderator.password), 200);
	});

	it('[THROTTLE-ADDRESS] past a hundred failures an address waits, except for devices that signed in before', async () => {
		const known = await userClient(server, admin, 'moderator');
		const fresh = await userClient(server, admin, 'clerk');
		const spray = new ApiClient(server);
		let status = 401;
		for (let i = 0; i < 150 && status === 401; i++) {
			status = (await attempt(spray, `spray-${i}`, 'password')).status;
		}
		expect(status).toBe(429);
		expect((await attempt(new ApiClient(server), fresh.user.username, fresh.password)).status).toBe(
			429
		);
		expectStatus(await attempt(known, known.user.username, known.password), 200);
	});
});
