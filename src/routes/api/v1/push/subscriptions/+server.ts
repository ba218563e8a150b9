import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as push from '$lib/server/services/push';
import type { RequestHandler } from './$types';

/** Keeps this browser's push subscription for the signed-in reader. */
export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await push.subscribe(ctx, viewer, await readJson(event.request)), { status: 201 });
	});

/** `{endpoint}`: this browser stops receiving pushes. */
export const DELETE: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await push.unsubscribe(ctx, viewer, await readJson(event.request));
		return new Response(null, { status: 204 });
	});
