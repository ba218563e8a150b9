import * as notifications from '$lib/server/services/notifications';
import { redirectToLogin } from '../guards.server';
import type { PageServerLoad } from './$types';

/** The reader's feed: a participant's phone (device session) or a signed-in account. */
export const load: PageServerLoad = async ({ locals, url }) => {
	const { ctx, viewer } = locals;
	if (!viewer.user && !viewer.authSessionId) redirectToLogin(url);
	const before = url.searchParams.get('before');
	const feed = await notifications.feed(ctx, viewer, {
		before: before && /^\d{1,15}$/.test(before) ? before : null
	});
	return { ...feed, paged: before !== null };
};
