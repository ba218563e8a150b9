/**
 * The access check every service calls: the viewer's role and scope against the capability
 * table (`capabilities.ts`), with the object's scope loaded from the store.
 *
 * Status codes: no cookie at all → 401; a participant's device or a role that never holds the
 * capability → 403 `forbidden`; an object that does not exist → 404 (`<kind>_not_found`);
 * staff of another community or street → 403 `forbidden` (existence is not secret: ids are
 * random and the public archive lists closed sessions anyway).
 */
import type { SessionUser } from '../auth/session';
import * as scopes from '../db/scope';
import type { Ctx, Viewer } from '../services/context';
import { forbidden, notFound, unauthorized } from '../services/errors';
import { decide, roleHolds, type Capability, type ScopeOf } from './capabilities';

export type Target = scopes.ScopeTarget | 'deployment';

const notFoundOf = (target: scopes.ScopeTarget) => {
	const kind = Object.keys(target)[0]!.replace(/Id$/, '');
	return notFound(`${kind}_not_found`, kind);
};

/** The signed-in account whose role can hold the capability at all (no store access). */
export function requireRole(viewer: Viewer, capability: Capability): SessionUser {
	if (!viewer.user) {
		throw viewer.authSessionId ? forbidden('only staff can do this') : unauthorized();
	}
	if (!roleHolds(viewer.user.role, capability)) throw forbidden(`not allowed (${capability})`);
	return viewer.user;
}

/** Throws unless the viewer may use the capability on the object; answers the account. */
export async function requireCan(
	ctx: Ctx,
	viewer: Viewer,
	capability: Capability,
	target: Target
): Promise<SessionUser> {
	const user = requireRole(viewer, capability);
	let scope: ScopeOf = {};
	if (target !== 'deployment') {
		const found = await scopes.find(ctx.db, target);
		if (!found) throw notFoundOf(target);
		scope = found;
	}
	const decision = decide(user, capability, scope);
	if (decision === 'role') throw forbidden(`not allowed (${capability})`);
	if (decision === 'scope') throw forbidden('this belongs to another community or street');
	return user;
}

/** Whether the viewer may (for showing a control, or choosing what to list); never throws. */
export async function can(
	ctx: Ctx,
	viewer: Viewer,
	capability: Capability,
	target: Target
): Promise<boolean> {
	if (!viewer.user || !roleHolds(viewer.user.role, capability)) return false;
	if (target === 'deployment') return decide(viewer.user, capability, {}) === 'allow';
	const found = await scopes.find(ctx.db, target);
	return !!found && decide(viewer.user, capability, found) === 'allow';
}

/** The same decision for an object whose scope the caller already holds. */
export function canIn(viewer: Viewer, capability: Capability, scope: ScopeOf): boolean {
	return !!viewer.user && decide(viewer.user, capability, scope) === 'allow';
}

/** A community staff account (moderator, clerk, administrator), wherever it works. */
export function isStaff(viewer: Viewer): boolean {
	const role = viewer.user?.role;
	return role === 'admin' || role === 'moderator' || role === 'clerk';
}
