import type { TimelineKind } from '$lib/protocol/public-record';
import { TIMELINE_KINDS } from '$lib/protocol/public-record';
import * as comments from '$lib/server/services/comments';
import * as costSchemes from '$lib/server/services/cost-schemes';
import * as outcomes from '$lib/server/services/outcomes';
import { closedRecord } from './record.server';
import type { PageServerLoad } from './$types';

/** The public page of a closed session; `?kind=` preselects timeline kinds (works without JS). */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const record = await closedRecord(locals.ctx, locals.viewer, params.sessionId);
	const asked = url.searchParams
		.getAll('kind')
		.filter((k): k is TimelineKind => (TIMELINE_KINDS as readonly string[]).includes(k));
	// The comments on each item, read-only (they are in the transcript too).
	const commentsByItem: Record<string, Awaited<ReturnType<typeof comments.list>>> = {};
	// Cost schemes by floor, never a household's amount (src/lib/protocol/REFERENCE.md §12).
	const costByItem: Record<string, costSchemes.SchemeView[]> = {};
	for (const item of record.items) {
		commentsByItem[item.id] = await comments.list(locals.ctx, locals.viewer, item.id);
		costByItem[item.id] = await costSchemes.listForItem(locals.ctx, locals.viewer, item.id);
	}
	// What was decided and how it is carried out: on the public record once the session closed.
	const outcomeByItem = Object.fromEntries(
		(await outcomes.listForSession(locals.ctx, locals.viewer, params.sessionId)).map((o) => [
			o.itemId,
			o
		])
	);
	return {
		record,
		commentsByItem,
		costByItem,
		outcomeByItem,
		kinds: asked.length ? asked : [...TIMELINE_KINDS]
	};
};
