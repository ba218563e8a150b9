import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as sessions from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const created = await sessions.create(ctx, viewer, await readJson(event.request));
		return json(sessions.toView(created), { status: 201 });
	});
