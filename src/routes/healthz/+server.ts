import { json } from '@sveltejs/kit';
import { getApp } from '$lib/server/app';
import type { RequestHandler } from './$types';

/** A store that does not answer within this is down for the load balancer (no 5 s hang). */
const PING_TIMEOUT_MS = 1_000;

/**
 * 200 `{status:"ok"}` once migrations ran and the store answers; with `REDIS_URL` also
 * `redis: "connected" | "disconnected"` (still 200 without Redis: the node serves, its
 * broadcasts reach only its own sockets until Redis returns). 503 when the store does not answer.
 */
export const GET: RequestHandler = async () => {
	const app = await getApp();
	const redis = app.cluster.redis
		? { redis: app.cluster.redis.connected() ? 'connected' : 'disconnected' }
		: {};
	const headers = { 'cache-control': 'no-store' };
	try {
		await app.store.ping(PING_TIMEOUT_MS);
		return json({ status: 'ok', ...redis }, { headers });
	} catch {
		return json({ status: 'unavailable', ...redis }, { status: 503, headers });
	}
};
