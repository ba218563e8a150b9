import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as announcements from '$lib/server/services/announcements';
import * as votes from '$lib/server/services/votes';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx } = event.locals;
		return json(
			await announcements.get(ctx, event.params.id, (head) =>
				votes.currentTally(ctx, head.id, head)
			)
		);
	});
