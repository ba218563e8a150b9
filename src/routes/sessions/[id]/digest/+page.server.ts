import { digest } from '$lib/server/services/digest';
import { pageError, requireStaff } from '../../../guards.server';
import type { PageServerLoad } from './$types';

/** The day's digest to paste into the residents' WeChat group (moderator, clerk). */
export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const { ctx, viewer } = event.locals;
	const raw = event.url.searchParams.get('date');
	try {
		const found = await digest(ctx, viewer, event.params.id, raw && raw.trim() ? raw.trim() : null);
		return { sessionId: event.params.id, ...found };
	} catch (e) {
		pageError(e, event.url);
	}
};
