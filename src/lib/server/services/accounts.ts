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
import * as throttle from '../auth/rate-limit';
import * as loginDevices from '../db/login-devices';
import {
	createSession,
	generateSessionToken,
	invalidateSession,
	type AuthSession
} from '../auth/session';
import { newId, newToken } from '../ids';
import type { Ctx, Viewer } from './context';
import { parse, ServiceError } from './errors';
import { requireCan } from '../access/check';
import * as audit from './audit';
import * as orgsService from './orgs';

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

const hashToken = (token: string) => encodeHexLowerCase(sha256(new TextEncoder().encode(token)));

export interface LoginResult {
	user: PublicUser;
	token: string;
	session: AuthSession;
	/** The device cookie's value (`DEVICE_COOKIE`): this device is known to the account now. */
	deviceToken: string;
}

/**
 * Signs in, under the throttle of auth/rate-limit.ts: `deviceToken` is the device cookie the
 * request carried, if any; a device that signed in to this account before is not held back
 * by anyone else's failures.
 */
export async function login(
	ctx: Ctx,
	input: unknown,
	ip: string,
	deviceToken?: string | null
): Promise<LoginResult> {
	const { username, password } = parse(loginSchema, input);
	const account = username.toLowerCase();
	const user = await users.findByUsername(ctx.db, username);
	const device = deviceToken ? hashToken(deviceToken) : null;
	const known =
		user && device && (await loginDevices.ownerOf(ctx.db, device)) === user.id
			? (await throttle.deviceInGoodStanding(device))
				? device
				: null
			: null;
	const limit = await throttle.mayTry(account, ip, known !== null);
	if (!limit.ok) {
		throw new ServiceError(
			429,
			'too_many_attempts',
			`too many login attempts; try again in ${limit.retryAfterSeconds} s`,
			limit.retryAfterSeconds
		);
	}
	const ok = user ? await verifyPassword(user.passwordHash, password) : await burnVerify(password);
	if (!user || !ok) {
		await throttle.failed(account, ip, known);
		throw new ServiceError(401, 'invalid_credentials', 'wrong username or password');
	}
	await throttle.succeeded(account, known);
	const nextDevice = known && deviceToken ? deviceToken : newToken();
	await loginDevices.remember(ctx.db, hashToken(nextDevice), user.id, clock.now());
	const token = generateSessionToken();
	const session = await createSession(ctx.db, token, user.id);
	ctx.log.info({ userId: user.id, knownDevice: known !== null }, 'login');
	return { user: publicUser(user), token, session, deviceToken: nextDevice };
}

/**
 * A staff account (admin). Moderators and clerks work in one community, street officials for
 * one street (`communityId` / `streetId`, default: the default one); administrators everywhere.
 */
export async function createUser(
	ctx: Ctx,
	viewer: Viewer,
	input: unknown
): Promise<PublicUser & { communityId: string | null; streetId: string | null }> {
	const admin = await requireCan(ctx, viewer, 'deployment.manage', 'deployment');
	const { username, password, role } = parse(createUserSchema, input);
	const scope = await orgsService.scopeOfNewAccount(ctx, role, input as Record<string, unknown>);
	const created = await users.insertIfFree(ctx.db, {
		id: newId(),
		username,
		passwordHash: await hashPassword(password),
		role,
		...scope
	});
	if (!created) throw new ServiceError(409, 'username_taken', `username "${username}" is taken`);
	ctx.log.info({ userId: created.id, role, by: admin.id }, 'user created');
	await audit.logBy(
		ctx,
		viewer,
		'account_created',
		{ communityId: scope.communityId, streetId: scope.streetId, target: created.id },
		{ username, role }
	);
	return { ...publicUser(created), ...scope };
}

export async function listUsers(ctx: Ctx, viewer: Viewer) {
	await requireCan(ctx, viewer, 'deployment.manage', 'deployment');
	return users.list(ctx.db);
}

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
	await setupTokens.add(ctx.db, hashToken(token), clock.now());
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
	const deviceToken = newToken();
	await loginDevices.remember(ctx.db, hashToken(deviceToken), user.id, clock.now());
	const sessionToken = generateSessionToken();
	const session = await createSession(ctx.db, sessionToken, user.id);
	return { user: publicUser(user), token: sessionToken, session, deviceToken };
}

/** Ends a device's session: the row goes, and its live sockets are closed (REFERENCE.md §2). */
export async function logout(ctx: Ctx, authSessionId: string): Promise<void> {
	await invalidateSession(ctx.db, authSessionId);
	ctx.realtime.disconnectAuthSession(authSessionId);
}
