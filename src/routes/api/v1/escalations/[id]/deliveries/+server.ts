import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as escalations from '$lib/server/services/escalations';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () =>
		json(await escalations.deliveries(event.locals.ctx, event.locals.viewer, event.params.id))
	);
