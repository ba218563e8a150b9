import { api, clearSessionCookie } from '$lib/server/http';
import { unauthorized } from '$lib/server/services/errors';
import { logout } from '$lib/server/services/accounts';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		if (!viewer.authSessionId) throw unauthorized();
		await logout(ctx, viewer.authSessionId);
		clearSessionCookie(event.cookies);
		return new Response(null, { status: 204 });
	});
