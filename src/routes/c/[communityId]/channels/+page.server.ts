import { fail } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import * as channels from '$lib/server/services/channels';
import { requireCommunity } from '$lib/server/services/community';
import { ServiceError } from '$lib/server/services/errors';
import { pageError, requireModerator } from '../../../guards.server';
import type { Actions, PageServerLoad } from './$types';

/** The community's WeCom group robot: webhook (shown masked), digest, test, delivery log. */
export const load: PageServerLoad = async (event) => {
	requireModerator(event);
	try {
		const { ctx, viewer } = event.locals;
		const channel = await channels.settingsFor(ctx, viewer, event.params.communityId);
		const community = await requireCommunity(ctx, event.params.communityId);
		return { channel, community: { id: community.id, name: community.name } };
	} catch (e) {
		pageError(e, event.url);
	}
};

async function run(event: Parameters<Actions[string]>[0], body: (form: FormData) => object) {
	requireModerator(event);
	const form = await event.request.formData();
	try {
		await channels.update(
			event.locals.ctx,
			event.locals.viewer,
			event.params.communityId!,
			body(form)
		);
		return { saved: true };
	} catch (e) {
		if (e instanceof ServiceError && e.status === 400)
			return fail(400, { message: m.wecom_error() });
		pageError(e, event.url);
	}
}

export const actions = {
	// An empty address keeps the one set (it is never sent back to the browser to resubmit).
	save: (event) =>
		run(event, (form) => {
			const webhook = String(form.get('wecomWebhook') ?? '').trim();
			return {
				...(webhook ? { wecomWebhook: webhook } : {}),
				wecomDigest: form.get('wecomDigest') === 'on'
			};
		}),
	clear: (event) => run(event, () => ({ wecomWebhook: null, wecomDigest: false })),
	test: async (event) => {
		requireModerator(event);
		try {
			await channels.sendTest(event.locals.ctx, event.locals.viewer, event.params.communityId);
			return { tested: true };
		} catch (e) {
			if (e instanceof ServiceError && e.status === 409)
				return fail(409, { message: m.wecom_none() });
			pageError(e, event.url);
		}
	}
} satisfies Actions;
