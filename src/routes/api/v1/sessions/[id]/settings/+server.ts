import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as agenda from '$lib/server/services/agenda';
import * as floor from '$lib/server/services/floor';
import * as sessions from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const session = await agenda.updateSettings(
			ctx,
			viewer,
			event.params.id,
			await readJson(event.request)
		);
		return json({
			...sessions.toView(session),
			speakingLimitSeconds: session.speakingLimitSeconds,
			...(await floor.info(ctx.db, session.id))
		});
	});
