import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as votes from '$lib/server/services/votes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () =>
		json(await votes.close(event.locals.ctx, event.locals.viewer, event.params.id))
	);
