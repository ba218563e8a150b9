import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { search } from '$lib/server/services/search';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () =>
		json({ results: await search(event.locals.ctx, event.url.searchParams.get('q')) })
	);
