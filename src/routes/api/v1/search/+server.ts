import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import { searchPage } from '$lib/server/services/search';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const p = event.url.searchParams;
		const page = await searchPage(event.locals.ctx, p.get('q'), {
			communityId: p.get('communityId'),
			kind: p.get('kind'),
			from: p.get('from'),
			to: p.get('to'),
			limit: p.get('limit'),
			offset: p.get('offset')
		});
		return json(page);
	});
