import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as projects from '$lib/server/services/projects';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () =>
		json(await projects.get(event.locals.ctx, event.locals.viewer, event.params.id))
	);
