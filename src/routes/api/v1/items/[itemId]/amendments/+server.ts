import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as amendments from '$lib/server/services/amendments';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await amendments.list(ctx, viewer, event.params.itemId));
	});

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const created = await amendments.create(
			ctx,
			viewer,
			event.params.itemId,
			await readJson(event.request)
		);
		return json(created, { status: 201 });
	});
