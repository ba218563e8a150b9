import { error } from '@sveltejs/kit';
import { ServiceError } from '$lib/server/services/errors';
import * as households from '$lib/server/services/households';
import * as invites from '$lib/server/services/invites';
import type { RequestHandler } from './$types';

/** The QR of one voting slip (its seat link). Staff only: the picture is as good as the seat. */
export const GET: RequestHandler = async ({ locals, params }) => {
	let link: string;
	try {
		link = await households.slipLink(locals.ctx, locals.viewer, params.id, params.householdId);
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
