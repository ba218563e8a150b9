import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as floor from '$lib/server/services/floor';
import * as sessions from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const session = await sessions.get(ctx, viewer, event.params.id);
		const { streamUrl, blocQuotas, amending, costDrafting } = await floor.info(ctx.db, session.id);
		return json({
			...sessions.toView(session),
			streamUrl,
			blocQuotas,
			blocShares: await floor.shares(ctx.db, session.id),
			amending,
			costDrafting,
			amendingItems: await floor.amendingItemIds(
				ctx.db,
				session.items.map((i) => i.id)
			)
		});
	});
