import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as sessions from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

/** Moves a cloud session's end later (REFERENCE.md §6). */
export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		return json(sessions.toView(await sessions.extend(ctx, viewer, event.params.id, body)));
	});
