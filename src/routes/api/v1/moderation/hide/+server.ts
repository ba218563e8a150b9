import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as hiding from '$lib/server/services/hiding';
import type { RequestHandler } from './$types';

/** Hides a statement, comment or opinion with a reason (src/lib/protocol/REFERENCE.md, §8). */
export const POST: RequestHandler = (event) =>
	api(event, async () =>
		json(await hiding.hide(event.locals.ctx, event.locals.viewer, await readJson(event.request)))
	);
