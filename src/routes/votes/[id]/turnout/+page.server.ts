import * as turnout from '$lib/server/services/turnout';
import * as votes from '$lib/server/services/votes';
import { pageError, requireStaff } from '../../../guards.server';
import type { PageServerLoad } from './$types';

/** The printable list of seats that have not voted, by building and unit (扫楼; staff only). */
export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const { ctx, viewer } = event.locals;
	try {
		const { question, ...view } = await turnout.turnout(
			ctx,
			viewer,
			event.params.id,
			(id) => votes.currentTally(ctx, id),
			votes.seatKey
		);
		return { turnout: view, question };
	} catch (e) {
		pageError(e, event.url);
	}
};
