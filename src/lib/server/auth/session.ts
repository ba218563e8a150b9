/**
 * Sessions as the Lucia guide builds them (lucia-auth.com/sessions/basic): a random 20-byte
 * token in the cookie, only its SHA-256 in the database, 30-day expiry that slides forward
 * when less than half of it is left.
 */
import * as clock from '../clock';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import type { Db } from '../db/client';
import * as authSessions from '../db/auth-sessions';
import { newToken } from '../ids';

export const SESSION_COOKIE = 'session';
const DAY_MS = 24 * 60 * 60 * 1000;
export const SESSION_TTL_MS = 30 * DAY_MS;

export type AuthSession = authSessions.AuthSessionRow;
export type SessionUser = Pick<
	authSessions.UserRow,
	'id' | 'username' | 'role' | 'communityId' | 'streetId'
>;
export type SessionValidation =
	| { session: AuthSession; user: SessionUser | null; fresh: boolean }
	| { session: null; user: null; fresh: false };

export function generateSessionToken(): string {
	return newToken();
}

export function sessionIdFromToken(token: string): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(
	db: Db,
	token: string,
	userId: string | null,
	now = clock.now()
): Promise<AuthSession> {
	const session = {
		id: sessionIdFromToken(token),
		userId,
		expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
		createdAt: now
	};
	await authSessions.insert(db, session);
	return session;
}

/** `fresh` is true when the expiry moved, so the caller re-sends the cookie. */
export async function validateSessionToken(
	db: Db,
	token: string,
	now = clock.now()
): Promise<SessionValidation> {
	if (!/^[a-z2-7]{32}$/.test(token)) return { session: null, user: null, fresh: false };
	const id = sessionIdFromToken(token);
	const found = await authSessions.findWithUser(db, id);
	if (!found) return { session: null, user: null, fresh: false };
	const { session, user } = found;
	if (now.getTime() >= session.expiresAt.getTime()) {
		await authSessions.remove(db, id);
		return { session: null, user: null, fresh: false };
	}
	let fresh = false;
	if (now.getTime() >= session.expiresAt.getTime() - SESSION_TTL_MS / 2) {
		session.expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
		await authSessions.extend(db, id, session.expiresAt);
		fresh = true;
	}
	return {
		session,
		user: user
			? {
					id: user.id,
					username: user.username,
					role: user.role,
					communityId: user.communityId,
					streetId: user.streetId
				}
			: null,
		fresh
	};
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await authSessions.remove(db, sessionId);
}

export interface CookieOptions {
	secure: boolean;
}

export function sessionCookieAttributes(expiresAt: Date, { secure }: CookieOptions) {
	return {
		path: '/',
		httpOnly: true,
		sameSite: 'lax' as const,
		secure,
		expires: expiresAt
	};
}
