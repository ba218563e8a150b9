import { canModerate } from '$lib/protocol/roles';
import * as notifications from '$lib/server/services/notifications';
import * as orgs from '$lib/server/services/orgs';
import * as sessions from '$lib/server/services/sessions';
import { isStaff } from '$lib/server/access/check';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { ctx, viewer } = locals;
	// Anyone with a device session or an account has a feed: show its unread count.
	const unread =
		viewer.user || viewer.authSessionId ? await notifications.unreadCount(ctx, viewer) : null;
	// Every community's public page, grouped by the street it belongs to.
	const communities = (await orgs.listStreets(ctx))
		.map((street) => ({
			id: street.id,
			name: street.name,
			communities: street.communities.map((c) => ({ id: c.id, name: c.name }))
		}))
		.filter((street) => street.communities.length > 0);
	if (!viewer.user || !isStaff(viewer)) {
		return { staff: false as const, signedIn: viewer.user !== null, unread, communities };
	}
	const rows = await sessions.list(ctx, viewer);
	return {
		staff: true as const,
		unread,
		communities,
		canCreate: canModerate(viewer.user.role),
		sessions: rows.map((s) => ({
			id: s.id,
			title: s.title,
			kind: s.kind,
			status: s.status,
			createdAt: s.createdAt.toISOString()
		}))
	};
};
