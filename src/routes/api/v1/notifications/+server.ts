import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as notifications from '$lib/server/services/notifications';
import type { RequestHandler } from './$types';

/** The reader's feed, newest first (`?before=<id>` pages back). */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const before = event.url.searchParams.get('before');
		return json(await notifications.feed(ctx, viewer, { before }), {
			headers: { 'cache-control': 'no-store' }
		});
	});
