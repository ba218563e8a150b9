import { api } from '$lib/server/http';
import * as moderation from '$lib/server/services/moderation';
import type { RequestHandler } from './$types';

export const DELETE: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await moderation.remove(ctx, viewer, event.params.id, event.params.participantId);
		return new Response(null, { status: 204 });
	});
