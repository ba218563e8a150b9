import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as ballotBoard from '$lib/server/services/ballot-board';
import type { RequestHandler } from './$types';

/** The public ballot list of a closed vote (src/lib/protocol/REFERENCE.md, §8). */
export const GET: RequestHandler = (event) =>
	api(event, async () => json(await ballotBoard.ballotList(event.locals.ctx, event.params.id)));
