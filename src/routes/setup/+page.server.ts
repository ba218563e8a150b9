import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { setDeviceCookie, setSessionCookie } from '$lib/server/http';
import * as accounts from '$lib/server/services/accounts';
import { ServiceError } from '$lib/server/services/errors';
import { invalidField } from '../guards.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async ({ locals, url }) => {
	const token = url.searchParams.get('token') ?? '';
	return { valid: token !== '' && (await accounts.isSetupTokenValid(locals.ctx, token)) };
};

export const actions = {
	default: async ({ request, locals, cookies, url }) => {
		const form = await request.formData();
		const username = String(form.get('username') ?? '');
		const password = String(form.get('password') ?? '');
		if (password !== String(form.get('password2') ?? '')) {
			return fail(400, { username, field: 'password2', message: m.setup_error_mismatch() });
		}
		const { ctx } = locals;
		let result: accounts.LoginResult;
		try {
			result = await accounts.completeSetup(ctx, url.searchParams.get('token') ?? '', {
				username,
				password
			});
		} catch (e) {
			if (!(e instanceof ServiceError)) throw e;
			if (e.code === 'setup_done') return fail(410, { spent: true });
			const field = invalidField(e);
			const message = field === 'username' ? m.admin_error_username() : m.admin_error_password();
			return fail(400, { username, field: field ?? 'password', message });
		}
		setSessionCookie(cookies, result.token, result.session, ctx.config.secureCookies);
		setDeviceCookie(cookies, result.deviceToken, ctx.config.secureCookies);
		redirect(303, '/admin');
	}
} satisfies Actions;
