import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as proxies from '$lib/server/services/proxies';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () =>
		json(await proxies.confirm(event.locals.ctx, event.locals.viewer, event.params.id))
	);
