import * as votesDb from '$lib/server/db/votes';
import * as announcements from '$lib/server/services/announcements';
import * as votes from '$lib/server/services/votes';
import { pageError } from '../../../guards.server';
import type { PageServerLoad } from './$types';

/** The result announcement (结果公告) of a closed vote: public and printable. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { ctx } = locals;
	try {
		const announcement = await announcements.get(ctx, params.id, (head) =>
			votes.currentTally(ctx, head.id, head)
		);
		const head = (await votesDb.findHead(ctx.db, params.id))!;
		return {
			announcement,
			vote: { kind: head.kind, options: head.options, rule: head.rule as votes.VoteRule }
		};
	} catch (e) {
		pageError(e, url);
	}
};
