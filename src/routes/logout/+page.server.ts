import { redirect } from '@sveltejs/kit';
import { clearSessionCookie } from '$lib/server/http';
import * as accounts from '$lib/server/services/accounts';
import type { Actions, PageServerLoad } from './$types';

// Signing out changes state, so it is POST-only; a GET (a typed or prefetched URL) just goes home.
export const load: PageServerLoad = () => {
	redirect(303, '/');
};

export const actions = {
	default: async ({ locals, cookies }) => {
		const { ctx, viewer } = locals;
		if (viewer.authSessionId) await accounts.logout(ctx, viewer.authSessionId);
		clearSessionCookie(cookies);
		redirect(303, '/login');
	}
} satisfies Actions;
