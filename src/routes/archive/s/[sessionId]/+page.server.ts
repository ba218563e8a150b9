import type { TimelineKind } from '$lib/components/archive/record';
import { TIMELINE_KINDS } from '$lib/components/archive/record';
import { closedRecord } from './record.server';
import type { PageServerLoad } from './$types';

/** The public page of a closed session; `?kind=` preselects timeline kinds (works without JS). */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const record = await closedRecord(locals.ctx, locals.viewer, params.sessionId);
	const asked = url.searchParams
		.getAll('kind')
		.filter((k): k is TimelineKind => (TIMELINE_KINDS as readonly string[]).includes(k));
	return { record, kinds: asked.length ? asked : [...TIMELINE_KINDS] };
};
