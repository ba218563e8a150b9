import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as costSchemes from '$lib/server/services/cost-schemes';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await costSchemes.forReader(ctx, viewer, event.params.itemId));
	});
