import { canModerate } from '$lib/protocol/roles';
import * as clock from '$lib/server/clock';
import * as communityService from '$lib/server/services/community';
import * as orgs from '$lib/server/services/orgs';
import * as outcomes from '$lib/server/services/outcomes';
import { followUpRefusal, ratingInput, updateInput, updatePhoto } from '../../follow-up.server';
import { pageError } from '../../guards.server';
import type { Actions, PageServerLoad } from './$types';

/**
 * How a decision is carried out, on one page: the outcome statement, its progress, the public
 * notice and ratings — public once the session closed (its members see it before).
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { ctx, viewer } = locals;
	let outcome;
	try {
		outcome = await outcomes.get(ctx, viewer, params.itemId);
	} catch (e) {
		pageError(e, url);
	}
	const [communityName, member] = await Promise.all([
		orgs.communityName(ctx, outcome.communityId),
		communityService.findMember(ctx, viewer, outcome.communityId)
	]);
	return {
		outcome,
		communityName: communityName ?? '',
		member: member !== null,
		moderator: viewer.user ? canModerate(viewer.user.role) : false,
		serverNow: clock.now().toISOString()
	};
};

export const actions = {
	rate: async ({ request, locals, params }) => {
		const form = await request.formData();
		try {
			await outcomes.rate(locals.ctx, locals.viewer, params.itemId, ratingInput(form));
			return { action: 'rate', done: true };
		} catch (e) {
			return followUpRefusal(e, 'rate');
		}
	},
	progress: async ({ request, locals, params }) => {
		const { ctx, viewer } = locals;
		const form = await request.formData();
		try {
			const outcome = await outcomes.get(ctx, viewer, params.itemId);
			const photoId = await updatePhoto(ctx, viewer, outcome.communityId, form);
			await outcomes.addProgress(ctx, viewer, params.itemId, { ...updateInput(form), photoId });
			return { action: 'progress', done: true };
		} catch (e) {
			return followUpRefusal(e, 'progress');
		}
	},
	notice: async ({ request, locals, params }) => {
		const form = await request.formData();
		try {
			await outcomes.openNotice(locals.ctx, locals.viewer, params.itemId, {
				days: Number(form.get('days') ?? 0)
			});
			return { action: 'notice', done: true };
		} catch (e) {
			return followUpRefusal(e, 'notice');
		}
	}
} satisfies Actions;
