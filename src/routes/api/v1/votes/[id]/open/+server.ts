import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as votes from '$lib/server/services/votes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const body = await readJson(event.request);
		return json(await votes.open(event.locals.ctx, event.locals.viewer, event.params.id, body));
	});
