import { json } from '@sveltejs/kit';
import { api, readJson } from '$lib/server/http';
import * as households from '$lib/server/services/households';
import * as sessions from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const body = await readJson(event.request);
		const { participant } = await sessions.enterRoom(ctx, viewer, event.params.id);
		return json(
			await households.claimSeat(ctx, event.params.id, participant, body, event.getClientAddress())
		);
	});

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx, viewer } = event.locals;
		const seats = await households.seatsOfSession(ctx, viewer, event.params.id);
		return json(
			seats.map((s) => ({
				householdId: s.householdId,
				ownerKey: s.ownerKey,
				participantId: s.participantId
			}))
		);
	});
