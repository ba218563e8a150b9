import type { Reader } from '../db/notifications';
import type { Viewer } from './context';
import { unauthorized } from './errors';
import { isStaff } from '../access/check';

/**
 * The key a reader's read cursor and push subscriptions are kept under: the account when
 * signed in with one, otherwise the device (a participant's phone has no account).
 */
export function recipientOf(viewer: Viewer): string {
	if (viewer.user) return `user:${viewer.user.id}`;
	if (viewer.authSessionId) return `device:${viewer.authSessionId}`;
	throw unauthorized();
}

export function readerOf(viewer: Viewer): Reader {
	recipientOf(viewer);
	return {
		authSessionId: viewer.authSessionId,
		userId: viewer.user?.id ?? null,
		staff: isStaff(viewer)
	};
}
