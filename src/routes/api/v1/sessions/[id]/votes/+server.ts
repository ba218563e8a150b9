import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as sessions from '$lib/server/services/sessions';
import * as votes from '$lib/server/services/votes';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const session = await sessions.get(ctx, viewer, event.params.id);
		return json(await votes.listViews(ctx, session.id));
	});
