import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as agenda from '$lib/server/services/agenda';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const item = await agenda.setItemStatus(
			ctx,
			viewer,
			event.params.itemId,
			await readJson(event.request)
		);
		return json({
			id: item.id,
			title: item.title,
			status: item.status,
			docName: item.docName,
			position: item.position
		});
	});
