import { redirect } from '@sveltejs/kit';
import { ServiceError } from '$lib/server/services/errors';
import * as households from '$lib/server/services/households';
import type { PageServerLoad } from './$types';

type SeatProblem = 'seat_not_found' | 'join_first' | 'seat_taken' | 'observer';

/**
 * What scanning a voting slip opens. The device's participant in the newest open session of
 * the slip's community takes the seat, then goes to that room. WeChat's `from=…` query
 * parameters are ignored. The page only explains why not, in words for the person holding it.
 */
export const load: PageServerLoad = async ({ locals, params }) => {
	const { ctx, viewer } = locals;
	const target = await households.slipTarget(ctx, viewer, params.code);
	if (typeof target === 'string') return { problem: target as SeatProblem, sessionId: null };

	const sessionId = target.sessionId;
	try {
		await households.claimSeat(ctx, sessionId, target.participant, { seatCode: params.code });
	} catch (e) {
		if (!(e instanceof ServiceError)) throw e;
		const problem: SeatProblem =
			e.code === 'seat_taken'
				? 'seat_taken'
				: e.code === 'forbidden'
					? 'observer'
					: 'seat_not_found';
		return { problem, sessionId };
	}
	redirect(303, `/s/${sessionId}`);
};
