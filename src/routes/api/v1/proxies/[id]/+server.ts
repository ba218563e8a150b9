import { api } from '$lib/server/http';
import * as proxies from '$lib/server/services/proxies';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = (event) =>
	api(event, async () => {
		await proxies.revoke(event.locals.ctx, event.locals.viewer, event.params.id);
		return new Response(null, { status: 204 });
	});
