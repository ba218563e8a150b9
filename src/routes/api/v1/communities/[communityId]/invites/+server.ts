import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as community from '$lib/server/services/community';
import * as invites from '$lib/server/services/invites';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		const invite = await community.createInvite(ctx, viewer, event.params.communityId, body);
		const { id, url, role, expiresAt, maxUses } = invites.toView(ctx, invite);
		return json(
			{ id, url, role, expiresAt, maxUses, communityId: event.params.communityId },
			{ status: 201 }
		);
	});

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const rows = await community.listInvites(ctx, viewer, event.params.communityId);
		return json(rows.map((row) => invites.toView(ctx, row)));
	});
