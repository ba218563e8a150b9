import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as escalations from '$lib/server/services/escalations';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		const step = event.params.step as 'accept' | 'start' | 'answer' | 'close';
		return json(await escalations.advance(ctx, viewer, event.params.id, step, body));
	});
