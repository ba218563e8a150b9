import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as outcomes from '$lib/server/services/outcomes';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await outcomes.get(ctx, viewer, event.params.itemId));
	});

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(
			await outcomes.setOutcome(ctx, viewer, event.params.itemId, await readJson(event.request))
		);
	});
