import type { Viewer } from './context';
import { forbidden, unauthorized } from './errors';

/** Runs the meeting: agenda, queue, register, votes (clerks too). */
export function requireConsole(viewer: Viewer) {
	// A phone signed in as a participant is known, just not allowed: 403, not 401.
	if (!viewer.user)
		throw viewer.authSessionId ? forbidden('only staff can do this') : unauthorized();
	const role = viewer.user.role;
	if (role !== 'admin' && role !== 'moderator' && role !== 'clerk') {
		throw forbidden('only the moderator or the clerk can do this');
	}
	return viewer.user;
}

/** Opens and closes votes: moderators and administrators, not clerks. */
export function requireVoteControl(viewer: Viewer) {
	const user = requireConsole(viewer);
	if (user.role === 'clerk') throw forbidden('only a moderator opens or closes a vote');
	return user;
}
