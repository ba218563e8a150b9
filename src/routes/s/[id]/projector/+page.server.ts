import { canModerate } from '$lib/protocol/roles';
import { PROPOSAL_FRAGMENT, type ItemView } from '$lib/protocol';
import { renderProposalState } from '$lib/proposal-render';
import * as invites from '$lib/server/services/invites';
import * as sessions from '$lib/server/services/sessions';
import { pageError } from '../../../guards.server';
import type { PageServerLoad } from './$types';

/**
 * The projector: any member of the session (staff, or the read-only `observer` link opened on
 * the projector box). Everything live comes over the room socket; this is the first paint and
 * the join QR. Unknown query parameters are ignored.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { ctx, viewer } = locals;
	let entered: Awaited<ReturnType<typeof sessions.enterRoom>>;
	try {
		entered = await sessions.enterRoom(ctx, viewer, params.id);
	} catch (e) {
		pageError(e, new URL(url.pathname, url.origin));
	}
	const { session } = entered;
	const invite = await invites.joinInvite(ctx, viewer, session.id);
	const current = session.items.find((item) => item.id === session.currentItemId) ?? null;
	// `/qr/<id>.svg` is for moderators; everyone else reads the session's own join QR. The
	// invite id in the query only busts the cache when a newer invite takes over.
	const joinQr = invite
		? viewer.user && canModerate(viewer.user.role)
			? `/qr/${invite.id}.svg`
			: `/s/${session.id}/projector/join-qr.svg?i=${invite.id}`
		: null;
	return {
		sessionId: session.id,
		title: session.title,
		items: session.items.map((item): Pick<ItemView, 'id' | 'title' | 'status' | 'docName'> => ({
			id: item.id,
			title: item.title,
			status: item.status,
			docName: item.docName
		})),
		/** The current item's proposal, rendered for the first paint. */
		proposal: current
			? {
					itemId: current.id,
					tree: renderProposalState(await ctx.docs.state(current.docName), PROPOSAL_FRAGMENT)
				}
			: null,
		currentItemId: session.currentItemId,
		joinQr,
		/** Lets a projector box with a wrong clock still count a speaker's time right. */
		serverNow: Date.now()
	};
};
