import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as channels from '$lib/server/services/channels';
import type { RequestHandler } from './$types';

/** The community's WeCom group robot (webhook masked) and its delivery log: moderators only. */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await channels.settingsFor(ctx, viewer, event.params.communityId));
	});

export const PUT: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		return json(await channels.update(ctx, viewer, event.params.communityId, body));
	});
