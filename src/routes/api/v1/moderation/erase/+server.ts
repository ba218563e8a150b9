import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as hiding from '$lib/server/services/hiding';
import type { RequestHandler } from './$types';

/** Erases a participant's words and name on request (src/lib/protocol/REFERENCE.md, §8). */
export const POST: RequestHandler = (event) =>
	api(event, async () =>
		json(await hiding.erase(event.locals.ctx, event.locals.viewer, await readJson(event.request)))
	);
