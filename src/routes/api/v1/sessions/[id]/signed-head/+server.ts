import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as sessions from '$lib/server/services/sessions';
import * as transparency from '$lib/server/services/transparency';
import type { RequestHandler } from './$types';

/** The newest signed head of a session, for a phone to keep (no new signature is made). */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		await sessions.get(ctx, viewer, event.params.id);
		return json({ signedHead: await transparency.latestSigned(ctx, event.params.id) });
	});
