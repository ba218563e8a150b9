import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as invites from '$lib/server/services/invites';
import { ServiceError } from '$lib/server/services/errors';
import type { RequestHandler } from './$types';

/** `?participants=remove` also removes everyone who joined with the link (REFERENCE.md §2). */
export const DELETE: RequestHandler = (event) =>
	api(event, async () => {
		const mode = event.url.searchParams.get('participants') ?? 'keep';
		if (mode !== 'keep' && mode !== 'remove')
			throw new ServiceError(400, 'invalid_payload', 'participants: "keep" or "remove"');
		const result = await invites.revoke(event.locals.ctx, event.locals.viewer, event.params.id, {
			removeJoined: mode === 'remove'
		});
		return mode === 'remove' ? json(result) : new Response(null, { status: 204 });
	});
