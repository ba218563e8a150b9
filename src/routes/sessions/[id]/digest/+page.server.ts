import { getLocale } from '$lib/paraglide/runtime';
import { digest } from '$lib/server/services/digest';
import { pageError, requireStaff } from '../../../guards.server';
import type { PageServerLoad } from './$types';

/** The day's digest to paste into the residents' WeChat group (moderator, clerk). */
export const load: PageServerLoad = async (event) => {
	requireStaff(event);
	const { ctx, viewer } = event.locals;
	const raw = event.url.searchParams.get('date');
	try {
		const date = raw && raw.trim() ? raw.trim() : null;
		const found = await digest(ctx, viewer, event.params.id, date, getLocale());
		return { sessionId: event.params.id, ...found };
	} catch (e) {
		pageError(e, event.url);
	}
};
