import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as disclosure from '$lib/server/services/disclosure';
import * as sessions from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(sessions.toView(await disclosure.closeSession(ctx, viewer, event.params.id)));
	});
