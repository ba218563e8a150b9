import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as costSchemes from '$lib/server/services/cost-schemes';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await costSchemes.listForItem(ctx, viewer, event.params.itemId));
	});

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const scheme = await costSchemes.create(
			ctx,
			viewer,
			event.params.itemId,
			await readJson(event.request)
		);
		return json(scheme, { status: 201 });
	});
