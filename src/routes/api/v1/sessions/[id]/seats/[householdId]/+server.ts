import { api } from '$lib/server/http';
import * as households from '$lib/server/services/households';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await households.releaseSeat(ctx, viewer, event.params.id, event.params.householdId);
		return new Response(null, { status: 204 });
	});
