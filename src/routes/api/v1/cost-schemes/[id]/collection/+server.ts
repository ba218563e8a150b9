import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as collections from '$lib/server/services/cost-collections';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await collections.read(ctx, viewer, event.params.id));
	});
