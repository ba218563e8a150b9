import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as community from '$lib/server/services/community';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const found = await community.requireCommunity(event.locals.ctx, event.params.communityId);
		return json(community.settingsView(found));
	});

export const PATCH: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		return json(await community.updateSettings(ctx, viewer, event.params.communityId, body));
	});
