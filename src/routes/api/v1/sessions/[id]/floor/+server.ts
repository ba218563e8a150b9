import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as queue from '$lib/server/services/queue';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await queue.giveFloor(ctx, viewer, event.params.id, await readJson(event.request));
		return json(await queue.view(ctx.db, event.params.id));
	});

export const DELETE: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await queue.endTurn(ctx, viewer, event.params.id);
		return json(await queue.view(ctx.db, event.params.id));
	});
