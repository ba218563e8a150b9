import { json } from '@sveltejs/kit';
import { api, errorResponse } from '$lib/server/http';
import * as households from '$lib/server/services/households';
import type { RequestHandler } from './$types';

const MAX_CSV_BYTES = 4 * 1024 * 1024;

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const type = event.request.headers.get('content-type') ?? '';
		if (!/^(text\/csv|text\/plain)\b/i.test(type)) {
			return errorResponse(415, 'unsupported_media_type', 'send the register as text/csv');
		}
		const text = await event.request.text();
		if (text.length > MAX_CSV_BYTES)
			return errorResponse(413, 'payload_too_large', 'the register is larger than 4 MB');
		return json(await households.importCsv(ctx, viewer, event.params.communityId, text));
	});

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(await households.list(ctx, viewer, event.params.communityId));
	});
