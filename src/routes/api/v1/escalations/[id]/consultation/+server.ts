import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as escalations from '$lib/server/services/escalations';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await escalations.openConsultation(ctx, viewer, event.params.id), { status: 201 });
	});
