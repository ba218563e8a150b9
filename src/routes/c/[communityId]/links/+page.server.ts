import { fail } from '@sveltejs/kit';
import * as clock from '$lib/server/clock';
import * as communityService from '$lib/server/services/community';
import * as invites from '$lib/server/services/invites';
import { inviteRefusal, inviteRows, readInviteForm } from '../../../invites.server';
import { pageError, requireModerator } from '../../../guards.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireModerator(event);
	const { ctx, viewer } = event.locals;
	try {
		const community = await communityService.requireCommunity(ctx, event.params.communityId);
		const rows = await communityService.listInvites(ctx, viewer, community.id);
		return {
			community: { id: community.id, name: community.name },
			invites: inviteRows(ctx, rows, clock.now())
		};
	} catch (e) {
		pageError(e, event.url);
	}
};

export const actions = {
	create: async (event) => {
		requireModerator(event);
		const { role, maxUses, expiresInMinutes } = readInviteForm(await event.request.formData());
		try {
			await communityService.createInvite(
				event.locals.ctx,
				event.locals.viewer,
				event.params.communityId,
				{ role, maxUses, expiresInMinutes }
			);
			return { action: 'create' as const, created: true };
		} catch (e) {
			const refusal = inviteRefusal(e, 'community', role);
			if (!refusal) pageError(e, event.url);
			return fail(400, { action: 'create' as const, ...refusal });
		}
	},
	revoke: async (event) => {
		requireModerator(event);
		const form = await event.request.formData();
		try {
			await invites.revoke(event.locals.ctx, event.locals.viewer, String(form.get('id') ?? ''));
			return { action: 'revoke' as const };
		} catch (e) {
			pageError(e, event.url);
		}
	}
} satisfies Actions;
