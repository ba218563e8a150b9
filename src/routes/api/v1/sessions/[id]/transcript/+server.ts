import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as disclosure from '$lib/server/services/disclosure';
import type { RequestHandler } from './$types';

/**
 * The verifiable transcript (REFERENCE.md §4); `?download` saves it as a file, `?after=<seq>` answers
 * only the entries past that seq (a live reader's tail).
 */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const view = await disclosure.getTranscript(ctx, viewer, event.params.id, {
			sign: true,
			after: event.url.searchParams.get('after')
		});
		const headers: Record<string, string> = {};
		if (event.url.searchParams.has('download')) {
			headers['content-disposition'] = `attachment; filename="transcript-${view.sessionId}.json"`;
		}
		return json(view, { headers });
	});
