/**
 * Using an invite: why it cannot be used now, and taking one use of it (with a device session
 * for a first-time phone). Shared by session joins (invites.ts) and community joins
 * (community.ts), which therefore need not import each other.
 */
import type { Db } from '../db/client';
import * as invites from '../db/invites';
import { createSession, generateSessionToken, type AuthSession } from '../auth/session';
import type { Viewer } from './context';
import { ServiceError } from './errors';

/** Why an invite cannot be used now, as the contract names it; null when it can. */
export function inviteProblem(invite: invites.Invite | null, now: Date): ServiceError | null {
	if (!invite)
		return new ServiceError(404, 'invite_not_found', 'this invitation link does not exist');
	if (invite.revokedAt)
		return new ServiceError(410, 'invite_revoked', 'this invitation link was withdrawn');
	if (invite.expiresAt && invite.expiresAt.getTime() <= now.getTime()) {
		return new ServiceError(410, 'invite_expired', 'this invitation link has expired');
	}
	if (invite.maxUses !== null && invite.uses >= invite.maxUses) {
		return new ServiceError(410, 'invite_used_up', 'this invitation link has been used up');
	}
	return null;
}

/**
 * Takes one use of a live invite in the caller's transaction and makes sure the device has an
 * auth session (a new one, with the cookie to set, for a first-time phone). Shared by session
 * and community links.
 */
export async function takeUse(
	tx: Db,
	viewer: Viewer,
	invite: invites.Invite,
	now: Date
): Promise<{ authSessionId: string; newCookie: { token: string; session: AuthSession } | null }> {
	if (!(await invites.takeUse(tx, invite.id, now))) {
		throw inviteProblem({ ...invite, uses: invite.maxUses ?? invite.uses }, now)!;
	}
	if (viewer.authSessionId) return { authSessionId: viewer.authSessionId, newCookie: null };
	const token = generateSessionToken();
	const session = await createSession(tx, token, null, now);
	return { authSessionId: session.id, newCookie: { token, session } };
}
