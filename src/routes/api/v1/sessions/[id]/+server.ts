import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as sessions from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(sessions.toView(await sessions.get(ctx, viewer, event.params.id)));
	});
