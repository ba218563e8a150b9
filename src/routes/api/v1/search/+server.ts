import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { search } from '$lib/server/services/search';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const p = event.url.searchParams;
		const results = await search(event.locals.ctx, p.get('q'), {
			communityId: p.get('communityId'),
			kind: p.get('kind'),
			from: p.get('from'),
			to: p.get('to')
		});
		return json({ results });
	});
