import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as notices from '$lib/server/services/notices';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () =>
		json(await notices.listForCommunity(event.locals.ctx, event.params.communityId))
	);
