import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import * as communityService from '$lib/server/services/community';
import { ServiceError } from '$lib/server/services/errors';
import { pageError, requireModerator } from '../../../guards.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async (event) => {
	requireModerator(event);
	try {
		const { ctx, viewer } = event.locals;
		return {
			community: await communityService.settingsFor(ctx, viewer, event.params.communityId)
		};
	} catch (e) {
		pageError(e, event.url);
	}
};

export const actions = {
	default: async (event) => {
		requireModerator(event);
		const form = await event.request.formData();
		const threshold = String(form.get('opinionHandThreshold') ?? '');
		const hours = String(form.get('opinionResponseHours') ?? '');
		// Each field only when the form carries it (the notice-period shortcut posts one).
		const number = (name: string) => {
			const raw = form.get(name);
			return raw === null || raw === '' ? undefined : Number(raw);
		};
		try {
			await communityService.updateSettings(
				event.locals.ctx,
				event.locals.viewer,
				event.params.communityId,
				{
					opinionHandThreshold: number('opinionHandThreshold'),
					opinionResponseHours: number('opinionResponseHours'),
					noticeDays: number('noticeDays'),
					proxySeatCap: number('proxySeatCap')
				}
			);
			return { saved: true };
		} catch (e) {
			if (e instanceof ServiceError && e.status === 400) {
				return fail(400, { message: m.community_settings_error(), threshold, hours });
			}
			pageError(e, event.url);
		}
	}
} satisfies Actions;
