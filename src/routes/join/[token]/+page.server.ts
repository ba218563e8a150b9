import { error, fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { setSessionCookie } from '$lib/server/http';
import * as invites from '$lib/server/services/invites';
import * as communityService from '$lib/server/services/community';
import * as sessions from '$lib/server/services/sessions';
import { ServiceError } from '$lib/server/services/errors';
import { describe } from '../../guards.server';
import type { Actions, PageServerLoad } from './$types';

function invitePage(problem: ServiceError): never {
	error(problem.status, { code: problem.code, message: describe(problem) });
}

// Query parameters are ignored on purpose: WeChat appends from=…&isappinstalled=0 to links.
export const load: PageServerLoad = async ({ locals, params }) => {
	const { ctx, viewer } = locals;
	const { invite, problem, session, community } = await invites.peek(ctx, params.token);
	// A standing community link (REFERENCE.md §6): ask a name, then land on the community board.
	if (community) {
		if (await communityService.findMember(ctx, viewer, community.id)) {
			redirect(303, `/c/${community.id}`);
		}
		if (problem || !invite) invitePage(problem ?? invites.inviteProblem(null, new Date())!);
		return {
			community: { id: community.id, name: community.name },
			session: null,
			role: invite.role
		};
	}
	// Someone who already joined from this device goes straight back in, even once the link
	// has run out: the link admitted them, and invites.join answers the same way.
	if (session && (await sessions.findMember(ctx, viewer, session.id))) {
		redirect(303, `/s/${session.id}`);
	}
	if (problem || !invite || !session) {
		invitePage(problem ?? invites.inviteProblem(null, new Date())!);
	}
	return {
		community: null,
		session: { title: session.title, kind: session.kind },
		role: invite.role
	};
};

export const actions = {
	default: async ({ request, locals, params, cookies }) => {
		const form = await request.formData();
		const name = String(form.get('name') ?? '');
		const { ctx, viewer } = locals;
		let result: Awaited<ReturnType<typeof invites.join>>;
		try {
			result = await invites.join(ctx, viewer, params.token, { name });
		} catch (e) {
			if (!(e instanceof ServiceError)) throw e;
			if (e.code === 'invalid_payload') return fail(400, { name, message: m.join_error_name() });
			invitePage(e);
		}
		if (result.newCookie) {
			const { token, session } = result.newCookie;
			setSessionCookie(cookies, token, session, ctx.config.secureCookies);
		}
		if ('communityId' in result) redirect(303, `/c/${result.communityId}`);
		redirect(303, `/s/${result.sessionId}`);
	}
} satisfies Actions;
