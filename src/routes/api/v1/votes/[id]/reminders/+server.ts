import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as turnout from '$lib/server/services/turnout';
import * as votes from '$lib/server/services/votes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await turnout.remind(ctx, viewer, event.params.id, votes.seatKey), {
			status: 201
		});
	});
