import { error } from '@sveltejs/kit';
import * as communityService from '$lib/server/services/community';
import * as invites from '$lib/server/services/invites';
import { pageError, requireModerator } from '../../../../../guards.server';
import type { PageServerLoad } from './$types';

/** A printable lobby poster with the community link's QR code (moderators). */
export const load: PageServerLoad = async (event) => {
	requireModerator(event);
	const { ctx, viewer } = event.locals;
	let found;
	try {
		found = await communityService.posterInvite(
			ctx,
			viewer,
			event.params.communityId,
			event.params.inviteId
		);
	} catch (e) {
		pageError(e, event.url);
	}
	const { community, invite } = found;
	if (!invite) error(404, { code: 'invite_not_found', message: 'invite not found' });
	const url = invites.inviteUrl(ctx, invite.token);
	return {
		community: { id: community.id, name: community.name, hours: community.opinionResponseHours },
		url,
		inviteId: invite.id
	};
};
