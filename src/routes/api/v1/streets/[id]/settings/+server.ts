import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as orgsService from '$lib/server/services/orgs';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		return json(await orgsService.updateStreet(ctx, viewer, event.params.id, body));
	});
