import type { SessionUser } from '$lib/server/auth/session';
import type { Viewer } from '$lib/server/services/context';
import { forbiddenPage, requireUser } from '../guards.server';

/** The street inbox is for street officials and administrators; anyone else signed in gets 403. */
export function requireStreet(event: { locals: { viewer: Viewer }; url: URL }): SessionUser {
	const user = requireUser(event);
	if (user.role !== 'street' && user.role !== 'admin') forbiddenPage();
	return user;
}
