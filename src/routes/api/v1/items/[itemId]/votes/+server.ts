import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as costVotes from '$lib/server/services/cost-scheme-votes';
import * as votes from '$lib/server/services/votes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		// Options may stand for the item's cost schemes (src/lib/protocol/REFERENCE.md §12).
		const schemeIds = await costVotes.checkLinks(ctx, event.params.itemId, body);
		const vote = await votes.create(ctx, viewer, event.params.itemId, body);
		if (schemeIds) await costVotes.linkCreated(ctx, vote, schemeIds);
		return json(vote, { status: 201 });
	});
