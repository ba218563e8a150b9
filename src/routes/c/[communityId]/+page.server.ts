import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { canModerate } from '$lib/protocol/roles';
import * as clock from '$lib/server/clock';
import * as communityService from '$lib/server/services/community';
import { ServiceError } from '$lib/server/services/errors';
import * as opinions from '$lib/server/services/opinions';
import * as photos from '$lib/server/services/photos';
import * as projects from '$lib/server/services/projects';
import * as followUps from '$lib/server/services/follow-ups';
import * as archive from '$lib/server/services/archive';
import { pageError } from '../../guards.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const { ctx, viewer } = locals;
	let community;
	try {
		community = await communityService.requireCommunity(ctx, params.communityId);
	} catch (e) {
		pageError(e, url);
	}
	const [list, member, projectRows, record, notices] = await Promise.all([
		opinions.list(ctx, viewer, community.id),
		communityService.findMember(ctx, viewer, community.id),
		projects.listForCommunity(ctx, community.id),
		archive.community(ctx, community.id),
		followUps.noticesOf(ctx, community.id)
	]);
	return {
		community: {
			id: community.id,
			name: community.name,
			threshold: community.opinionHandThreshold,
			hours: community.opinionResponseHours
		},
		opinions: list,
		projects: projectRows.map((p) => ({ id: p.id, title: p.title })),
		/** Public notices (公示) of adopted projects and decisions, the ones still running first. */
		notices,
		archive: record.sessions.slice(0, 5).map((s) => ({ id: s.id, title: s.title })),
		archiveCount: record.sessions.length,
		member: member ? { name: member.name } : null,
		moderator: viewer.user ? canModerate(viewer.user.role) : false,
		// The live socket needs a session cookie (REFERENCE.md §3): without one, no socket is tried.
		live: viewer.authSessionId !== null,
		serverNow: clock.now().toISOString()
	};
};

/** A service refusal as a form answer the page shows next to the opinion it concerns. */
function refusal(e: unknown, opinionId: string | null, action: string) {
	if (!(e instanceof ServiceError)) throw e;
	const message =
		e.code === 'photo_too_large'
			? m.opinions_photo_too_large()
			: e.code === 'photo_unsupported' || e.code === 'photo_empty'
				? m.opinions_photo_bad()
				: e.code === 'invalid_payload'
					? m.opinions_error_fields()
					: e.code === 'not_enough_hands' || e.code === 'already_project'
						? e.message
						: e.status === 401 || e.status === 403
							? m.community_join_hint_post()
							: m.opinions_error_generic();
	return fail(e.status, { action, opinionId, message, code: e.code });
}

export const actions = {
	post: async ({ request, locals, params }) => {
		const { ctx, viewer } = locals;
		const form = await request.formData();
		const title = String(form.get('title') ?? '');
		const text = String(form.get('text') ?? '');
		try {
			await communityService.requireMember(ctx, viewer, params.communityId);
			const photo = form.get('photo');
			let photoId: string | undefined;
			if (photo instanceof File && photo.size > 0) {
				const bytes = new Uint8Array(await photo.arrayBuffer());
				photoId = (await photos.upload(ctx, viewer, params.communityId, bytes)).id;
			}
			const created = await opinions.create(ctx, viewer, params.communityId, {
				title,
				text,
				photoId
			});
			return { action: 'post', posted: created.deadline };
		} catch (e) {
			const answer = refusal(e, null, 'post');
			return fail(answer.status, { ...answer.data, title, text });
		}
	},
	hand: async ({ request, locals }) => {
		const form = await request.formData();
		const opinionId = String(form.get('opinionId') ?? '');
		try {
			const up = form.get('up') === '1';
			await opinions.setHand(locals.ctx, locals.viewer, opinionId, up);
			return { action: 'hand', opinionId };
		} catch (e) {
			return refusal(e, opinionId, 'hand');
		}
	},
	respond: async ({ request, locals }) => {
		const form = await request.formData();
		const opinionId = String(form.get('opinionId') ?? '');
		try {
			await opinions.respond(locals.ctx, locals.viewer, opinionId, {
				text: String(form.get('text') ?? '')
			});
			return { action: 'respond', opinionId };
		} catch (e) {
			return refusal(e, opinionId, 'respond');
		}
	},
	project: async ({ request, locals }) => {
		const form = await request.formData();
		const opinionId = String(form.get('opinionId') ?? '');
		try {
			const created = await projects.create(locals.ctx, locals.viewer, opinionId, {});
			return { action: 'project', opinionId, projectId: created.projectId };
		} catch (e) {
			return refusal(e, opinionId, 'project');
		}
	}
} satisfies Actions;
