import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as outcomes from '$lib/server/services/outcomes';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		return json(await outcomes.openNotice(ctx, viewer, event.params.itemId, body));
	});
