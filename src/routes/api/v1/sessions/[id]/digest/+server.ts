import { getLocale } from '$lib/paraglide/runtime';
import { api } from '$lib/server/http';
import { digest } from '$lib/server/services/digest';
import type { RequestHandler } from './$types';

/** The day's digest as plain text in the reader's language (`?date=YYYY-MM-DD`, Asia/Shanghai; default today). */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const date = event.url.searchParams.get('date');
		const { text } = await digest(ctx, viewer, event.params.id, date, getLocale());
		return new Response(text, {
			headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
		});
	});
