import { error } from '@sveltejs/kit';
import * as householdsDb from '$lib/server/db/households';
import * as sessionsDb from '$lib/server/db/sessions';
import * as households from '$lib/server/services/households';
import * as invites from '$lib/server/services/invites';
import { can, isStaff } from '$lib/server/access/check';
import type { RequestHandler } from './$types';

/** The QR of one voting slip (its seat link). Staff only: the picture is as good as the seat. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { ctx, viewer } = locals;
	if (!viewer.user) error(401, { code: 'unauthorized', message: 'sign in first' });
	if (!isStaff(viewer)) error(403, { code: 'forbidden', message: 'not allowed' });
	const session = await sessionsDb.find(ctx.db, params.id);
	if (!session) error(404, { code: 'session_not_found', message: 'session not found' });
	const household = await householdsDb.findById(ctx.db, params.householdId);
	if (!(await can(ctx, viewer, 'community.register', { communityId: session.communityId }))) {
		error(403, { code: 'forbidden', message: 'this belongs to another community' });
	}
	if (!household || household.communityId !== session.communityId) {
		error(404, { code: 'household_not_found', message: 'household not found' });
	}
	const svg = await invites.qrSvg(households.seatUrl(ctx, household.seatCode));
	return new Response(svg, {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'private, max-age=300'
		}
	});
};
