import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import * as authSessions from '../db/auth-sessions';
import { storeFactories, type OpenedStore } from '../db/test-stores';
import * as users from '../db/users';
import { newId } from '../ids';
import {
	createSession,
	generateSessionToken,
	SESSION_TTL_MS,
	sessionIdFromToken,
	validateSessionToken
} from './session';

const DAY = 86_400_000;

describe('sessions (Lucia guide)', () => {
	let opened: OpenedStore;
	let db: Db;
	let userId: string;
	beforeAll(async () => {
		opened = await storeFactories()[0]!.open();
		db = opened.store.db;
		userId = (
			await users.insert(db, { id: newId(), username: 'admin', passwordHash: 'x', role: 'admin' })
		).id;
	});
	afterAll(() => opened?.dispose());

	it('makes 20-byte random tokens and stores only their SHA-256', async () => {
		const token = generateSessionToken();
		expect(token).toMatch(/^[a-z2-7]{32}$/); // 20 bytes in base32
		const session = await createSession(db, token, userId);
		expect(session.id).toBe(sessionIdFromToken(token));
		expect(session.id).toMatch(/^[0-9a-f]{64}$/);
		expect(await authSessions.findWithUser(db, token)).toBeNull();
	});

	it('expires after 30 days and slides forward when less than half is left', async () => {
		const token = generateSessionToken();
		const start = new Date('2026-11-01T08:00:00+08:00');
		await createSession(db, token, userId, start);
		const early = await validateSessionToken(db, token, new Date(start.getTime() + 10 * DAY));
		expect(early.fresh).toBe(false);
		const late = await validateSessionToken(db, token, new Date(start.getTime() + 20 * DAY));
		expect(late.fresh).toBe(true);
		expect(late.session?.expiresAt.getTime()).toBe(start.getTime() + 20 * DAY + SESSION_TTL_MS);
		expect(late.user?.username).toBe('admin');
		const gone = await validateSessionToken(db, token, new Date(start.getTime() + 51 * DAY));
		expect(gone.session).toBeNull();
		expect(await authSessions.findWithUser(db, sessionIdFromToken(token))).toBeNull();
	});

	it('refuses malformed and unknown tokens', async () => {
		expect((await validateSessionToken(db, 'not a token')).session).toBeNull();
		expect((await validateSessionToken(db, generateSessionToken())).session).toBeNull();
	});
});
