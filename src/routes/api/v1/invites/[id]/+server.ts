import { api } from '$lib/server/http';
import * as invites from '$lib/server/services/invites';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = (event) =>
	api(event, async () => {
		await invites.revoke(event.locals.ctx, event.locals.viewer, event.params.id);
		return new Response(null, { status: 204 });
	});
