import { json } from '@sveltejs/kit';
import { getLocale } from '$lib/paraglide/runtime';
import { api, readJson } from '$lib/server/http';
import * as push from '$lib/server/services/push';
import type { RequestHandler } from './$types';

/** Keeps this browser's push subscription for the signed-in reader. */
export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		// The language the page is shown in: the pushes to this browser are said in it.
		return json(await push.subscribe(ctx, viewer, body, getLocale()), { status: 201 });
	});

/** `{endpoint}`: this browser stops receiving pushes. */
export const DELETE: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await push.unsubscribe(ctx, viewer, await readJson(event.request));
		return new Response(null, { status: 204 });
	});
