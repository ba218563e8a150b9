/**
 * Where request limits count: in this process, or — with several nodes — in Redis, so a limit
 * holds for the deployment and not once per node. While Redis is away each node falls back to
 * an in-memory insurance limiter with the same limits (rate-limiter-flexible's
 * `insuranceLimiter`). Limiters are created when their module loads, before the app connects,
 * so each one picks its backend on first use.
 */
import type { Redis } from 'ioredis';
import {
	RateLimiterMemory,
	RateLimiterRedis,
	type IRateLimiterOptions,
	type RateLimiterAbstract
} from 'rate-limiter-flexible';

const KEY = Symbol.for('yishi.limiterStore');
type Holder = { [KEY]?: Redis | null };
const holder = globalThis as unknown as Holder;

/** Called once at start with the node's command connection when `REDIS_URL` is set. */
export function useRedisForLimits(redis: Redis | null): void {
	holder[KEY] = redis;
}

export interface SharedLimiter {
	consume(key: string, points?: number): ReturnType<RateLimiterAbstract['consume']>;
	delete(key: string): Promise<boolean>;
	get(key: string): ReturnType<RateLimiterAbstract['get']>;
	block(key: string, seconds: number): ReturnType<RateLimiterAbstract['block']>;
}

/** A limiter with `options`, counted in Redis when the node has it, else in memory. */
export function sharedLimiter(options: IRateLimiterOptions): SharedLimiter {
	let backend: RateLimiterAbstract | null = null;
	let backendFor: Redis | null | undefined;
	const current = (): RateLimiterAbstract => {
		const redis = holder[KEY] ?? null;
		if (!backend || backendFor !== redis) {
			backendFor = redis;
			backend = redis
				? new RateLimiterRedis({
						...options,
						keyPrefix: `yishi:rl:${options.keyPrefix ?? 'rl'}`,
						storeClient: redis,
						insuranceLimiter: new RateLimiterMemory(options)
					})
				: new RateLimiterMemory(options);
		}
		return backend;
	};
	return {
		consume: (key, points) => current().consume(key, points),
		delete: (key) => current().delete(key),
		get: (key) => current().get(key),
		block: (key, seconds) => current().block(key, seconds)
	};
}
