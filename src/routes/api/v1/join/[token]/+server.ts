import { json } from '@sveltejs/kit';
import { api, readJson, setSessionCookie } from '$lib/server/http';
import * as invites from '$lib/server/services/invites';
import * as proxies from '$lib/server/services/proxies';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		// A proxy link (REFERENCE.md §9) answers like an invite, plus the appointment.
		const result =
			(await proxies.joinByToken(ctx, viewer, event.params.token, body)) ??
			(await invites.join(ctx, viewer, event.params.token, body));
		if (result.newCookie) {
			const { token, session } = result.newCookie;
			setSessionCookie(event.cookies, token, session, ctx.config.secureCookies);
		}
		if ('communityId' in result) {
			const { id, name, role } = result.member;
			return json({ participant: { id, name, role }, communityId: result.communityId });
		}
		const { id, name, role } = result.participant;
		const proxy = 'proxy' in result ? { proxy: result.proxy } : {};
		return json({ participant: { id, name, role }, sessionId: result.sessionId, ...proxy });
	});
