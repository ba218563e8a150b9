import * as clock from '$lib/server/clock';
import * as sessions from '$lib/server/services/sessions';
import { pageError, requireStaff } from '../../../guards.server';
import type { PageServerLoad } from './$types';

/**
 * The moderator console: staff only (admin, moderator, clerk). Anyone signed out is sent to
 * sign in and back; other accounts and participants get 403. Opening it makes the staff
 * account a participant of the room (as the room page does), so the console's socket joins
 * like everyone else's and the live state comes from `session:join`.
 */
export const load: PageServerLoad = async (event) => {
	const user = requireStaff(event);
	const { ctx, viewer } = event.locals;
	let entered: Awaited<ReturnType<typeof sessions.enterRoom>>;
	try {
		entered = await sessions.enterRoom(ctx, viewer, event.params.id);
	} catch (e) {
		pageError(e, event.url);
	}
	const { session, participant } = entered;
	return {
		sessionId: session.id,
		communityId: session.communityId,
		title: session.title,
		/** The account's role: clerks run everything but opening and closing votes. */
		role: user.role as 'admin' | 'moderator' | 'clerk',
		participantId: participant.id,
		/** The server's clock, so countdowns agree with it (tests may run it ahead). */
		serverNow: clock.nowMs()
	};
};
