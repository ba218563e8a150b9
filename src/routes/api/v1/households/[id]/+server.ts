import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as households from '$lib/server/services/households';
import type { RequestHandler } from './$types';

/** Staff correct a household's floor: `{floor}`. */
export const PATCH: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		return json(
			await households.setFloor(ctx, viewer, event.params.id, await readJson(event.request))
		);
	});
