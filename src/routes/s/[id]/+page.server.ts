import { canWrite, PROPOSAL_FRAGMENT, type ItemView, type Role } from '$lib/protocol';
import { proposalVersion, renderProposalState } from '$lib/proposal-render';
import * as clock from '$lib/server/clock';
import * as notifications from '$lib/server/services/notifications';
import * as sessions from '$lib/server/services/sessions';
import { pageError } from '../../guards.server';
import type { PageServerLoad } from './$types';

/**
 * The room shell: only what the first paint needs. Everything live (who is here, the current
 * item as it changes) comes from `session:join` once the socket is up. Unknown query
 * parameters (WeChat's `from=…&isappinstalled=0`) are ignored.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	let entered: Awaited<ReturnType<typeof sessions.enterRoom>>;
	try {
		entered = await sessions.enterRoom(locals.ctx, locals.viewer, params.id);
	} catch (e) {
		// 401 (no device session) → sign in and come back; 403/404 → the error page.
		pageError(e, new URL(url.pathname, url.origin));
	}
	const { session, participant } = entered;
	const role = participant.role as Role;
	// The current item's proposal as HTML in the first paint: read before any script arrives.
	const current = session.items.find((item) => item.id === session.currentItemId) ?? null;
	const state = current ? await locals.ctx.docs.state(current.docName) : null;
	// With its version, the page tells whether the proposal changed since without Yjs
	// (src/lib/proposal-version.ts).
	const proposal =
		current && state
			? {
					itemId: current.id,
					tree: renderProposalState(state, PROPOSAL_FRAGMENT),
					version: proposalVersion(state)
				}
			: null;
	return {
		sessionId: session.id,
		title: session.title,
		kind: session.kind,
		status: session.status,
		opensAt: session.opensAt?.toISOString() ?? null,
		closesAt: session.closesAt?.toISOString() ?? null,
		/** The server's clock: countdowns follow it even when the device's is off. */
		serverNow: clock.nowMs(),
		unread: await notifications.unreadCount(locals.ctx, locals.viewer),
		items: session.items.map((item): Pick<ItemView, 'id' | 'title' | 'docName'> => ({
			id: item.id,
			title: item.title,
			docName: item.docName
		})),
		currentItemId: session.currentItemId,
		proposal,
		me: {
			participantId: participant.id,
			role,
			name: participant.name,
			canWrite: canWrite(role, session.status)
		}
	};
};
