import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as comments from '$lib/server/services/comments';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(
			await comments.resolve(ctx, viewer, event.params.id, await readJson(event.request))
		);
	});
