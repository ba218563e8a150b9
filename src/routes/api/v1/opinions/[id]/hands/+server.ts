import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as opinions from '$lib/server/services/opinions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () =>
		json(await opinions.setHand(event.locals.ctx, event.locals.viewer, event.params.id, true))
	);

export const DELETE: RequestHandler = (event) =>
	api(event, async () =>
		json(await opinions.setHand(event.locals.ctx, event.locals.viewer, event.params.id, false))
	);
