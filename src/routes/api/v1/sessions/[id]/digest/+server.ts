import { api } from '$lib/server/http';
import { digest } from '$lib/server/services/digest';
import type { RequestHandler } from './$types';

/** The day's digest as plain text (`?date=YYYY-MM-DD`, Asia/Shanghai; default today). */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const { text } = await digest(ctx, viewer, event.params.id, event.url.searchParams.get('date'));
		return new Response(text, {
			headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }
		});
	});
