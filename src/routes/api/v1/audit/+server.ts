import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as audit from '$lib/server/services/audit';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await audit.list(ctx, viewer, Object.fromEntries(event.url.searchParams)));
	});
