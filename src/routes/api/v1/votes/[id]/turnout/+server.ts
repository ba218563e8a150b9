import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as turnout from '$lib/server/services/turnout';
import * as votes from '$lib/server/services/votes';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const { participation, needed, notVoted } = await turnout.turnout(
			ctx,
			viewer,
			event.params.id,
			(id) => votes.currentTally(ctx, id),
			votes.seatKey
		);
		return json({ participation, needed, notVoted });
	});
