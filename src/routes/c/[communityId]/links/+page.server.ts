import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import * as clock from '$lib/server/clock';
import * as communityService from '$lib/server/services/community';
import { ServiceError } from '$lib/server/services/errors';
import * as invites from '$lib/server/services/invites';
import { inviteRows } from '../../../sessions/[id]/invite-views.server';
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

const optionalInt = (raw: FormDataEntryValue | null) => {
	const text = String(raw ?? '').trim();
	return text === '' ? null : Number(text);
};

export const actions = {
	create: async (event) => {
		requireModerator(event);
		const form = await event.request.formData();
		const days = optionalInt(form.get('days'));
		try {
			await communityService.createInvite(
				event.locals.ctx,
				event.locals.viewer,
				event.params.communityId,
				{
					role: String(form.get('role') ?? 'resident'),
					maxUses: optionalInt(form.get('maxUses')),
					expiresInMinutes: days === null ? null : days * 24 * 60
				}
			);
			return { action: 'create' as const, created: true };
		} catch (e) {
			if (e instanceof ServiceError && e.status === 400) {
				return fail(400, { action: 'create' as const, message: m.community_links_error() });
			}
			pageError(e, event.url);
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
