import * as notices from '$lib/server/services/notices';
import { pageError } from '../../guards.server';
import type { PageServerLoad } from './$types';

/** A vote's notice (公告), public and printable on A4 for the building lobby. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	try {
		return { notice: await notices.get(locals.ctx, params.id) };
	} catch (e) {
		pageError(e, url);
	}
};
