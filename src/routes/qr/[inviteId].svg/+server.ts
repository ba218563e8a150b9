import { error } from '@sveltejs/kit';
import { ServiceError } from '$lib/server/services/errors';
import * as invites from '$lib/server/services/invites';
import type { RequestHandler } from './$types';

/** The QR code of an invite link, for whoever runs its session (the picture is the link). */
export const GET: RequestHandler = async ({ locals, params }) => {
	let link: string;
	try {
		link = await invites.qrLink(locals.ctx, locals.viewer, params.inviteId);
	} catch (e) {
		if (e instanceof ServiceError) error(e.status, { code: e.code, message: e.message });
		throw e;
	}
	const svg = await invites.qrSvg(link);
	return new Response(svg, {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'private, max-age=300'
		}
	});
};
