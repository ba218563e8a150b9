import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as orgs from '$lib/server/services/orgs';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		return json(await orgs.createCommunity(ctx, viewer, event.params.id, body), { status: 201 });
	});
