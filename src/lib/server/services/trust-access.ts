/**
 * Who may see what the public may not (hidden words, owner keys): the community's staff, as the
 * capability table says (`src/lib/server/access/capabilities.ts`). An object without a
 * community (none today) is left to the role alone.
 */
import { canIn } from '../access/check';
import type { Viewer } from './context';
import { forbidden, unauthorized } from './errors';

export function isStaffOf(viewer: Viewer, communityId: string | null): boolean {
	const role = viewer.user?.role;
	if (communityId) return canIn(viewer, 'community.staff', { communityId });
	return role === 'admin' || role === 'moderator' || role === 'clerk';
}

export function isModeratorOf(viewer: Viewer, communityId: string | null): boolean {
	const role = viewer.user?.role;
	if (communityId) return canIn(viewer, 'community.manage', { communityId });
	return role === 'admin' || role === 'moderator';
}

export function requireModeratorOf(viewer: Viewer, communityId: string | null) {
	if (!viewer.user && !viewer.authSessionId) throw unauthorized();
	if (!viewer.user || !isModeratorOf(viewer, communityId))
		throw forbidden('only a moderator of this community can do this');
	return viewer.user;
}
