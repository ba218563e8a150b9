import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as queue from '$lib/server/services/queue';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await queue.lowerOnBehalf(ctx, viewer, event.params.id, event.params.participantId);
		return json(await queue.view(ctx.db, event.params.id));
	});
