import * as announcements from '$lib/server/services/announcements';
import * as votes from '$lib/server/services/votes';
import { pageError } from '../../../guards.server';
import type { PageServerLoad } from './$types';

/** The result announcement (结果公告) of a closed vote: public and printable. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { ctx } = locals;
	try {
		return await announcements.forPage(ctx, params.id, (head) =>
			votes.currentTally(ctx, head.id, head)
		);
	} catch (e) {
		pageError(e, url);
	}
};
