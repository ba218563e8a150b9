import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as votes from '$lib/server/services/votes';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () =>
		json(await votes.get(event.locals.ctx, event.locals.viewer, event.params.id))
	);
