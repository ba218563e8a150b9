import { fail, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { deviceCookie, setDeviceCookie, setSessionCookie } from '$lib/server/http';
import * as accounts from '$lib/server/services/accounts';
import { ServiceError } from '$lib/server/services/errors';
import { safeNext } from '../guards.server';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = ({ locals, url }) => {
	if (locals.viewer.user) redirect(303, safeNext(url.searchParams.get('next')));
	return {};
};

function waitText(seconds: number): string {
	return seconds >= 60
		? m.login_error_too_many_minutes({ minutes: Math.ceil(seconds / 60) })
		: m.login_error_too_many_seconds({ seconds });
}

export const actions = {
	default: async ({ request, locals, cookies, url, getClientAddress }) => {
		const form = await request.formData();
		const username = String(form.get('username') ?? '');
		const password = String(form.get('password') ?? '');
		const { ctx } = locals;
		let result: accounts.LoginResult;
		try {
			result = await accounts.login(
				ctx,
				{ username, password },
				getClientAddress(),
				deviceCookie(cookies)
			);
		} catch (e) {
			if (!(e instanceof ServiceError)) throw e;
			const message =
				e.code === 'too_many_attempts'
					? waitText(e.retryAfterSeconds ?? 60)
					: e.code === 'invalid_payload'
						? m.login_error_missing()
						: m.login_error_invalid();
			return fail(e.status, { username, message });
		}
		setSessionCookie(cookies, result.token, result.session, ctx.config.secureCookies);
		setDeviceCookie(cookies, result.deviceToken, ctx.config.secureCookies);
		redirect(303, safeNext(url.searchParams.get('next')));
	}
} satisfies Actions;
