import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as queue from '$lib/server/services/queue';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await queue.raiseOnBehalf(ctx, viewer, event.params.id, await readJson(event.request));
		return json(await queue.view(ctx.db, event.params.id), { status: 201 });
	});
