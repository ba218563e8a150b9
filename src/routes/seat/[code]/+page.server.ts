import { redirect } from '@sveltejs/kit';
import * as householdsDb from '$lib/server/db/households';
import * as participantsDb from '$lib/server/db/participants';
import * as sessionsDb from '$lib/server/db/sessions';
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
	const household = await householdsDb.findBySeatCode(ctx.db, households.seatCodeOf(params.code));
	if (!household) return { problem: 'seat_not_found' as SeatProblem, sessionId: null };

	const mine = viewer.authSessionId
		? await participantsDb.listForAuthSession(ctx.db, viewer.authSessionId)
		: [];
	const candidates = [];
	for (const participant of mine) {
		const session = await sessionsDb.find(ctx.db, participant.sessionId);
		if (session?.status === 'open' && session.communityId === household.communityId) {
			candidates.push({ participant, session });
		}
	}
	candidates.sort((a, b) => b.session.createdAt.getTime() - a.session.createdAt.getTime());
	const target = candidates[0];
	if (!target) return { problem: 'join_first' as SeatProblem, sessionId: null };

	const sessionId = target.session.id;
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
