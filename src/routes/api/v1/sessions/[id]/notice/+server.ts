import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as notices from '$lib/server/services/notices';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		return json(await notices.publishForSession(ctx, viewer, event.params.id, body), {
			status: 201
		});
	});
