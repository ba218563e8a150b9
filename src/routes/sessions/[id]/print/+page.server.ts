import * as invites from '$lib/server/services/invites';
import * as sessions from '$lib/server/services/sessions';
import { pageError, requireModerator } from '../../../guards.server';
import { inviteRows } from '../../../invites.server';
import type { PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireModerator(event);
	const { ctx, viewer } = event.locals;
	let session: sessions.SessionWithItems;
	try {
		session = await sessions.get(ctx, viewer, event.params.id);
	} catch (e) {
		pageError(e, event.url);
	}
	const rows = inviteRows(ctx, await invites.list(ctx, viewer, session.id));
	return {
		session: { id: session.id, title: session.title },
		invites: rows
			.filter((row) => row.status === 'active')
			.map(({ id, role, url, expiresAt }) => ({ id, role, url, expiresAt }))
	};
};
