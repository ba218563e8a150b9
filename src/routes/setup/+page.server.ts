import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { setDeviceCookie, setSessionCookie } from '$lib/server/http';
import * as accounts from '$lib/server/services/accounts';
import { ServiceError } from '$lib/server/services/errors';
import { accountRefusal, readAccountForm } from '../accounts.server';
import { pageError } from '../guards.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const token = url.searchParams.get('token') ?? '';
	return { valid: token !== '' && (await accounts.isSetupTokenValid(locals.ctx, token)) };
};

export const actions = {
	default: async ({ request, locals, cookies, url }) => {
		const { username, password, password2 } = readAccountForm(await request.formData());
		if (password !== password2) {
			return fail(400, {
				username,
				field: 'password2' as const,
				message: m.setup_error_mismatch()
			});
		}
		const { ctx } = locals;
		let result: accounts.LoginResult;
		try {
			result = await accounts.completeSetup(ctx, url.searchParams.get('token') ?? '', {
				username,
				password
			});
		} catch (e) {
			if (e instanceof ServiceError && e.code === 'setup_done') return fail(410, { spent: true });
			const refusal = accountRefusal(e, { username });
			if (!refusal) pageError(e, url);
			return fail(400, refusal);
		}
		setSessionCookie(cookies, result.token, result.session, ctx.config.secureCookies);
		setDeviceCookie(cookies, result.deviceToken, ctx.config.secureCookies);
		redirect(303, '/admin');
	}
} satisfies Actions;
