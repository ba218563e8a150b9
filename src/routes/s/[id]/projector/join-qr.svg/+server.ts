import { error } from '@sveltejs/kit';
import { ServiceError } from '$lib/server/services/errors';
import * as invites from '$lib/server/services/invites';
import type { RequestHandler } from './$types';

/**
 * The join QR for the projector box, which is often an `observer` participant rather than a
 * moderator (whose `/qr/<id>.svg` it cannot read). Any member of the session may fetch it.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { ctx, viewer } = locals;
	let invite: invites.Invite | null;
	try {
		invite = await invites.joinInvite(ctx, viewer, params.id);
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, { code: e.code, message: e.message });
		throw e;
	}
	if (!invite)
		error(404, { code: 'invite_not_found', message: 'no live resident or owner invite' });
	const svg = await invites.qrSvg(invites.inviteUrl(ctx, invite.token));
	return new Response(svg, {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'private, max-age=60'
		}
	});
};
