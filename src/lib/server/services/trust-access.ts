/**
 * Who may see what the public may not (hidden words, owner keys): the community's staff. Until
 * staff accounts carry their community, every moderator, clerk and administrator counts as the
 * staff of every community; the scoped capability check replaces this in one place.
 */
import type { Viewer } from './context';
import { forbidden, unauthorized } from './errors';

export function isStaffOf(viewer: Viewer, _communityId: string | null): boolean {
	const role = viewer.user?.role;
	return role === 'admin' || role === 'moderator' || role === 'clerk';
}

export function isModeratorOf(viewer: Viewer, _communityId: string | null): boolean {
	const role = viewer.user?.role;
	return role === 'admin' || role === 'moderator';
}

export function requireModeratorOf(viewer: Viewer, communityId: string | null) {
	if (!viewer.user && !viewer.authSessionId) throw unauthorized();
	if (!viewer.user || !isModeratorOf(viewer, communityId))
		throw forbidden('only a moderator of this community can do this');
	return viewer.user;
}
