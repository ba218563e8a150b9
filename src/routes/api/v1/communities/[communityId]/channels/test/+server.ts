import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as channels from '$lib/server/services/channels';
import type { RequestHandler } from './$types';

/** Queues a test message to the community's WeCom group. */
export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await channels.sendTest(ctx, viewer, event.params.communityId), { status: 202 });
	});
