import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as orgs from '$lib/server/services/orgs';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await orgs.createStreet(ctx, viewer, await readJson(event.request)), {
			status: 201
		});
	});

export const GET: RequestHandler = (event) =>
	api(event, async () => json(await orgs.listStreets(event.locals.ctx)));
