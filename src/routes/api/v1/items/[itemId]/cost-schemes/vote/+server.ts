import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as costVotes from '$lib/server/services/cost-scheme-votes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const vote = await costVotes.putToVote(
			ctx,
			viewer,
			event.params.itemId,
			await readJson(event.request)
		);
		return json(vote, { status: 201 });
	});
