import { json } from '@sveltejs/kit';
import * as v from 'valibot';
import * as clock from '$lib/server/clock';
import { api, readJson } from '$lib/server/http';
import { notFound, parse } from '$lib/server/services/errors';
import type { RequestHandler } from './$types';

const advanceSchema = v.object({
	advanceSeconds: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(366 * 24 * 3600))
});

/**
 * Tests only (`YISHI_TEST_CLOCK=1`): moves the server clock forward and runs whatever fell due
 * before answering, so a test sees the result of a deadline without sleeping. Otherwise 404.
 */
export const POST: RequestHandler = (event) =>
	api(event, async () => {
		const { ctx } = event.locals;
		if (!ctx.config.testClock) throw notFound('not_found', 'route');
		const { advanceSeconds } = parse(advanceSchema, await readJson(event.request));
		const now = clock.advance(advanceSeconds * 1000);
		await ctx.timers.runNow();
		return json({ now: now.toISOString(), offsetSeconds: clock.offsetMs() / 1000 });
	});

export const GET: RequestHandler = (event) =>
	api(event, async () => {
		if (!event.locals.ctx.config.testClock) throw notFound('not_found', 'route');
		return json({ now: clock.now().toISOString(), offsetSeconds: clock.offsetMs() / 1000 });
	});
