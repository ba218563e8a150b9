import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as votes from '$lib/server/services/votes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await votes.paper(ctx, viewer, event.params.id, await readJson(event.request)));
	});
