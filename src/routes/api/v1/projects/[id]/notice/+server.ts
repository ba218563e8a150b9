import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as projects from '$lib/server/services/projects';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		return json(await projects.openNotice(ctx, viewer, event.params.id, body), { status: 200 });
	});
