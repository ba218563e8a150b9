import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as proxies from '$lib/server/services/proxies';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		return json(await proxies.appoint(ctx, viewer, event.params.id, body), { status: 201 });
	});

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await proxies.list(ctx, viewer, event.params.id));
	});
