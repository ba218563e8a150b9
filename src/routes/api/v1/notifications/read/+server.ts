import { api, readJson } from '$lib/server/http';
import * as notifications from '$lib/server/services/notifications';
import type { RequestHandler } from './$types';

/** Marks the feed read up to an id (the cursor never moves back). */
export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await notifications.markRead(ctx, viewer, await readJson(event.request));
		return new Response(null, { status: 204 });
	});
