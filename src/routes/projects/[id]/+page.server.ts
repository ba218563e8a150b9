import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { canModerate } from '$lib/protocol/roles';
import * as clock from '$lib/server/clock';
import * as communityService from '$lib/server/services/community';
import { ServiceError } from '$lib/server/services/errors';
import * as orgs from '$lib/server/services/orgs';
import * as photos from '$lib/server/services/photos';
import * as projects from '$lib/server/services/projects';
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

function refusal(e: unknown, action: string) {
	if (!(e instanceof ServiceError)) throw e;
	const message =
		e.code === 'already_rated'
			? m.projects_error_already_rated()
			: e.code === 'notice_closed' || e.code === 'notice_not_open'
				? m.projects_error_notice()
				: e.code === 'photo_too_large'
					? m.opinions_photo_too_large()
					: e.code === 'photo_unsupported' || e.code === 'photo_empty'
						? m.opinions_photo_bad()
						: e.status === 401 || e.status === 403
							? m.projects_rate_join()
							: e.code === 'invalid_payload'
								? m.opinions_error_fields()
								: m.opinions_error_generic();
	return fail(e.status, { action, message, code: e.code });
}

export const actions = {
	rate: async ({ request, locals, params }) => {
		const form = await request.formData();
		try {
			await projects.rate(locals.ctx, locals.viewer, params.id, {
				stars: Number(form.get('stars') ?? 0),
				comment: String(form.get('comment') ?? '') || undefined
			});
			return { action: 'rate', done: true };
		} catch (e) {
			return refusal(e, 'rate');
		}
	},
	milestone: async ({ request, locals, params }) => {
		const { ctx, viewer } = locals;
		const form = await request.formData();
		try {
			const project = await projects.get(ctx, viewer, params.id);
			const photo = form.get('photo');
			let photoId: string | undefined;
			if (photo instanceof File && photo.size > 0) {
				// Staff only may add milestones; check before storing anything.
				if (!viewer.user || !canModerate(viewer.user.role)) {
					throw new ServiceError(403, 'forbidden', 'only a moderator can do this');
				}
				const bytes = new Uint8Array(await photo.arrayBuffer());
				photoId = (await photos.upload(ctx, viewer, project.communityId, bytes)).id;
			}
			await projects.addMilestone(ctx, viewer, params.id, {
				text: String(form.get('text') ?? ''),
				photoId
			});
			return { action: 'milestone', done: true };
		} catch (e) {
			return refusal(e, 'milestone');
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
			return refusal(e, 'notice');
		}
	}
} satisfies Actions;
