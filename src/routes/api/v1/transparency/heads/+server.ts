import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as transparency from '$lib/server/services/transparency';
import type { RequestHandler } from './$types';

/** The public log of signed heads after `n` (src/lib/protocol/REFERENCE.md, §8). */
export const GET: RequestHandler = (event) =>
	api(event, async () =>
		json(await transparency.heads(event.locals.ctx, event.url.searchParams.get('after')))
	);
