import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as accounts from '$lib/server/services/accounts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const user = await accounts.createUser(ctx, viewer, await readJson(event.request));
		return json(user, { status: 201 });
	});

export const GET: RequestHandler = (event) =>
	api(event, async () => json(await accounts.listUsers(event.locals.ctx, event.locals.viewer)));
