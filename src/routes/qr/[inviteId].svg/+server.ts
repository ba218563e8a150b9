import { error } from '@sveltejs/kit';
import { can } from '$lib/server/access/check';
import * as invitesDb from '$lib/server/db/invites';
import * as invites from '$lib/server/services/invites';
import type { RequestHandler } from './$types';

/**
 * The QR code of an invite link. Only for whoever runs the invite's session: moderators, and the
 * street office for the consultation sessions it opens on a case. The picture is as good as the
 * link.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { ctx, viewer } = locals;
	if (!viewer.user) error(401, { code: 'unauthorized', message: 'sign in first' });
	const invite = await invitesDb.findById(ctx.db, params.inviteId);
	if (!invite) error(404, { code: 'invite_not_found', message: 'invite not found' });
	const allowed = invite.sessionId
		? await can(ctx, viewer, 'session.run', { sessionId: invite.sessionId })
		: await can(ctx, viewer, 'community.manage', { communityId: invite.communityId! });
	if (!allowed) error(403, { code: 'forbidden', message: 'not allowed' });
	const svg = await invites.qrSvg(invites.inviteUrl(ctx, invite.token));
	return new Response(svg, {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'private, max-age=300'
		}
	});
};
