import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as push from '$lib/server/services/push';
import type { RequestHandler } from './$types';

/** The VAPID public key browsers subscribe with (`applicationServerKey`). */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { publicKey } = await push.vapidKeys(event.locals.ctx);
		return json({ publicKey });
	});
