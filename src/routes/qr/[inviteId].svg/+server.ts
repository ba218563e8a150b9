import { error } from '@sveltejs/kit';
import { canModerate } from '$lib/protocol/roles';
import * as invitesDb from '$lib/server/db/invites';
import * as invites from '$lib/server/services/invites';
import type { RequestHandler } from './$types';

/** The QR code of an invite link. Moderators only: the picture is as good as the link. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { ctx, viewer } = locals;
	if (!viewer.user) error(401, { code: 'unauthorized', message: 'sign in first' });
	if (!canModerate(viewer.user.role)) error(403, { code: 'forbidden', message: 'not allowed' });
	const invite = await invitesDb.findById(ctx.db, params.inviteId);
	if (!invite) error(404, { code: 'invite_not_found', message: 'invite not found' });
	const svg = await invites.qrSvg(invites.inviteUrl(ctx, invite.token));
	return new Response(svg, {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'private, max-age=300'
		}
	});
};
