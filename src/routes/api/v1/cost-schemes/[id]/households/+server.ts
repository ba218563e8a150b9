import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as costSchemes from '$lib/server/services/cost-schemes';
import type { RequestHandler } from './$types';

/** JSON by default; `?format=csv` (or `Accept: text/csv`) downloads it for collection. */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const { id } = event.params;
		const csv =
			event.url.searchParams.get('format') === 'csv' ||
			/^text\/csv\b/i.test(event.request.headers.get('accept') ?? '');
		if (!csv) return json((await costSchemes.householdTable(ctx, viewer, id)).rows);
		return new Response(await costSchemes.householdCsv(ctx, viewer, id), {
			headers: {
				'content-type': 'text/csv; charset=utf-8',
				'content-disposition': `attachment; filename="cost-scheme-${id}.csv"`,
				'cache-control': 'no-store'
			}
		});
	});
