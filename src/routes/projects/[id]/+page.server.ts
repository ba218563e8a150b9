import { canModerate } from '$lib/protocol/roles';
import * as clock from '$lib/server/clock';
import * as communityService from '$lib/server/services/community';
import * as orgs from '$lib/server/services/orgs';
import * as projects from '$lib/server/services/projects';
import { followUpRefusal, ratingInput, updateInput, updatePhoto } from '../../follow-up.server';
import { pageError } from '../../guards.server';
import type { Actions, PageServerLoad } from './$types';

/** The whole path of a project on one public page (no sign-in needed to read it). */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { ctx, viewer } = locals;
	let project;
	try {
		project = await projects.get(ctx, viewer, params.id);
	} catch (e) {
		pageError(e, url);
	}
	const [communityName, member] = await Promise.all([
		orgs.communityName(ctx, project.communityId),
		communityService.findMember(ctx, viewer, project.communityId)
	]);
	return {
		project,
		communityName: communityName ?? '',
		member: member ? { name: member.name } : null,
		moderator: viewer.user ? canModerate(viewer.user.role) : false,
		serverNow: clock.now().toISOString()
	};
};

export const actions = {
	rate: async ({ request, locals, params }) => {
		const form = await request.formData();
		try {
			await projects.rate(locals.ctx, locals.viewer, params.id, ratingInput(form));
			return { action: 'rate', done: true };
		} catch (e) {
			return followUpRefusal(e, 'rate');
		}
	},
	milestone: async ({ request, locals, params }) => {
		const { ctx, viewer } = locals;
		const form = await request.formData();
		try {
			const project = await projects.get(ctx, viewer, params.id);
			const photoId = await updatePhoto(ctx, viewer, project.communityId, form);
			await projects.addMilestone(ctx, viewer, params.id, {
				...updateInput(form),
				photoId
			});
			return { action: 'milestone', done: true };
		} catch (e) {
			return followUpRefusal(e, 'milestone');
		}
	},
	notice: async ({ request, locals, params }) => {
		const form = await request.formData();
		try {
			await projects.openNotice(locals.ctx, locals.viewer, params.id, {
				days: Number(form.get('days') ?? 0)
			});
			return { action: 'notice', done: true };
		} catch (e) {
			return followUpRefusal(e, 'notice');
		}
	}
} satisfies Actions;
