import { json } from '@sveltejs/kit';
import { api } from '$lib/server/http';
import * as transparency from '$lib/server/services/transparency';
import type { RequestHandler } from './$types';

/** The public key that signs transcript heads (src/lib/protocol/REFERENCE.md, §8). */
export const GET: RequestHandler = (event) =>
	api(event, async () => json(await transparency.publicKey(event.locals.ctx)));
