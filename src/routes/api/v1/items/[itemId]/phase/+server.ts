import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as amendments from '$lib/server/services/amendments';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(
			await amendments.setPhase(ctx, viewer, event.params.itemId, await readJson(event.request))
		);
	});
