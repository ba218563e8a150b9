import { canModerate } from '$lib/protocol/roles';
import * as sessions from '$lib/server/services/sessions';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals }) => {
	const { ctx, viewer } = locals;
	if (!viewer.user || !sessions.isStaff(viewer)) {
		return { staff: false as const, signedIn: viewer.user !== null };
	}
	const rows = await sessions.list(ctx, viewer);
	return {
		staff: true as const,
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
