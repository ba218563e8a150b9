import * as clock from '../clock';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { createUserSchema, loginSchema } from '$lib/protocol/api';
import type { AccountRole } from '$lib/protocol/roles';
import * as users from '../db/users';
import * as setupTokens from '../db/setup-tokens';
import * as authSessionsDb from '../db/auth-sessions';
import * as orgs from '../db/orgs';
import { burnVerify, hashPassword, verifyPassword } from '../auth/password';
import { consumeLoginAttempt, resetLoginAttempts } from '../auth/rate-limit';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	type AuthSession
} from '../auth/session';
import { newId, newToken } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, parse, ServiceError } from './errors';

export interface PublicUser {
	id: string;
	username: string;
	role: AccountRole;
}
const publicUser = (u: PublicUser): PublicUser => ({
	id: u.id,
	username: u.username,
	role: u.role
});

export interface LoginResult {
	user: PublicUser;
	token: string;
	session: AuthSession;
}

export async function login(ctx: Ctx, input: unknown, ip: string): Promise<LoginResult> {
	const { username, password } = parse(loginSchema, input);
	const limit = await consumeLoginAttempt(ip, username);
	if (!limit.ok) {
		throw new ServiceError(
			429,
			'too_many_attempts',
			`too many login attempts; try again in ${limit.retryAfterSeconds} s`,
			limit.retryAfterSeconds
		);
	}
	const user = await users.findByUsername(ctx.db, username);
	const ok = user ? await verifyPassword(user.passwordHash, password) : await burnVerify(password);
	if (!user || !ok) {
		throw new ServiceError(401, 'invalid_credentials', 'wrong username or password');
	}
	await resetLoginAttempts(ip, username);
	const token = generateSessionToken();
	const session = await createSession(ctx.db, token, user.id);
	ctx.log.info({ userId: user.id }, 'login');
	return { user: publicUser(user), token, session };
}

export async function createUser(ctx: Ctx, viewer: Viewer, input: unknown): Promise<PublicUser> {
	if (viewer.user?.role !== 'admin') throw forbidden('only an administrator creates accounts');
	const { username, password, role } = parse(createUserSchema, input);
	const created = await users.insertIfFree(ctx.db, {
		id: newId(),
		username,
		passwordHash: await hashPassword(password),
		role
	});
	if (!created) throw new ServiceError(409, 'username_taken', `username "${username}" is taken`);
	ctx.log.info({ userId: created.id, role, by: viewer.user.id }, 'user created');
	return publicUser(created);
}

export async function listUsers(ctx: Ctx, viewer: Viewer) {
	if (viewer.user?.role !== 'admin') throw forbidden();
	return users.list(ctx.db);
}

const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

/**
 * First administrator (REFERENCE.md §1): from YISHI_ADMIN_* when set and none exists; otherwise
 * a one-time setup link in the log. The default street and community are made here too.
 */
export async function bootstrap(ctx: Ctx): Promise<void> {
	await orgs.ensureDefaults(ctx.db, { street: '默认街道', community: '默认社区' });
	// Expired sessions are also dropped when presented; this clears the ones never seen again.
	await authSessionsDb.removeExpired(ctx.db, clock.now());
	if ((await users.countAdmins(ctx.db)) > 0) return;
	const { adminUser, adminPassword } = ctx.config;
	if (adminUser && adminPassword) {
		await users.insertIfFree(ctx.db, {
			id: newId(),
			username: adminUser,
			passwordHash: await hashPassword(adminPassword),
			role: 'admin'
		});
		ctx.log.info({ username: adminUser }, 'administrator created from YISHI_ADMIN_USER');
		return;
	}
	const token = newToken();
	await setupTokens.replace(ctx.db, hashToken(token));
	ctx.log.info(`Setup: ${ctx.config.origin}/setup?token=${token}`);
}

export async function isSetupTokenValid(ctx: Ctx, token: string): Promise<boolean> {
	return (await users.countAdmins(ctx.db)) === 0 && setupTokens.exists(ctx.db, hashToken(token));
}

/** Creates the first administrator with the one-time token from the log, and signs them in. */
export async function completeSetup(ctx: Ctx, token: string, input: unknown): Promise<LoginResult> {
	const { username, password } = parse(createUserSchema, { ...(input as object), role: 'admin' });
	if (
		(await users.countAdmins(ctx.db)) > 0 ||
		!(await setupTokens.consume(ctx.db, hashToken(token)))
	) {
		throw new ServiceError(410, 'setup_done', 'this setup link was already used');
	}
	const user = await users.insert(ctx.db, {
		id: newId(),
		username,
		passwordHash: await hashPassword(password),
		role: 'admin'
	});
	const sessionToken = generateSessionToken();
	const session = await createSession(ctx.db, sessionToken, user.id);
	return { user: publicUser(user), token: sessionToken, session };
}

/** Ends a device's session: the row goes, and its live sockets are closed (REFERENCE.md §2). */
export async function logout(ctx: Ctx, authSessionId: string): Promise<void> {
	await invalidateSession(ctx.db, authSessionId);
	ctx.realtime.disconnectAuthSession(authSessionId);
}
