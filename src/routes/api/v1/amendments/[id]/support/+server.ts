import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as amendments from '$lib/server/services/amendments';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await amendments.support(ctx, viewer, event.params.id));
	});
