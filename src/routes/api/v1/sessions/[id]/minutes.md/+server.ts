import { loadRecord } from '$lib/server/services/session-record';
import { minutesMarkdown } from '$lib/components/archive/markdown';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/**
 * Markdown minutes of a session: public once closed, else its members and staff (the
 * transcript's own access rule). Errors are the API's JSON errors.
 */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const record = await loadRecord(ctx, viewer, event.params.id);
		const transcriptUrl = `${ctx.config.origin}/api/v1/sessions/${record.session.id}/transcript`;
		return new Response(minutesMarkdown(record, transcriptUrl), {
			headers: {
				'content-type': 'text/markdown; charset=utf-8',
				'content-disposition': `inline; filename="minutes-${record.session.id}.md"`,
				'cache-control': 'no-store'
			}
		});
	});
