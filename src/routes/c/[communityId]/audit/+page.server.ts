import * as audit from '$lib/server/services/audit';
import * as communityService from '$lib/server/services/community';
import { pageError, requireModerator } from '../../../guards.server';
import type { PageServerLoad } from './$types';

/** The community's audit log for its moderators (and administrators): newest first, paged. */
export const load: PageServerLoad = async (event) => {
	requireModerator(event);
	const { ctx, viewer } = event.locals;
	const before = event.url.searchParams.get('before');
	try {
		const community = await communityService.requireCommunity(ctx, event.params.communityId);
		const { entries } = await audit.list(ctx, viewer, {
			communityId: community.id,
			limit: '100',
			...(before && /^\d{1,15}$/.test(before) ? { before } : {})
		});
		return { community: { id: community.id, name: community.name }, entries };
	} catch (e) {
		pageError(e, event.url);
	}
};
