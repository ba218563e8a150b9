import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as moderation from '$lib/server/services/moderation';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		const { id, participantId } = event.params;
		return json(await moderation.setMuted(ctx, viewer, id, participantId, body));
	});
