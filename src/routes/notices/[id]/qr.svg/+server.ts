import * as notices from '$lib/server/services/notices';
import { qrSvg } from '$lib/server/services/invites';
import { api } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** The QR code printed on a notice: the room where the vote is held (public, like the notice). */
export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const notice = await notices.get(event.locals.ctx, event.params.id);
		return new Response(await qrSvg(notice.content.room), {
			headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=3600' }
		});
	});
