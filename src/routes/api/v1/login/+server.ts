import { json } from '@sveltejs/kit';
import { api, deviceCookie, readJson, setDeviceCookie, setSessionCookie } from '$lib/server/http';
import * as accounts from '$lib/server/services/accounts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx } = event.locals;
		const result = await accounts.login(
			ctx,
			await readJson(event.request),
			event.getClientAddress(),
			deviceCookie(event.cookies)
		);
		setSessionCookie(event.cookies, result.token, result.session, ctx.config.secureCookies);
		setDeviceCookie(event.cookies, result.deviceToken, ctx.config.secureCookies);
		return json({ user: result.user });
	});
