import { RateLimiterRes } from 'rate-limiter-flexible';
import { sharedLimiter } from '../cluster/limiter';

/**
 * Login throttling with rate-limiter-flexible: in memory on one node, in Redis (with an
 * in-memory insurance limiter) when several nodes share `REDIS_URL` (cluster/limiter.ts). Two buckets: one per
 * username+address pair against guessing one password, one per address against spraying.
 */
const perUserAndIp = sharedLimiter({ keyPrefix: 'login_ui', points: 5, duration: 60 });
const perIp = sharedLimiter({ keyPrefix: 'login_ip', points: 30, duration: 600 });

export type LimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

export async function consumeLoginAttempt(ip: string, username: string): Promise<LimitResult> {
	try {
		await Promise.all([perUserAndIp.consume(`${username.toLowerCase()}|${ip}`), perIp.consume(ip)]);
		return { ok: true };
	} catch (rejection) {
		if (rejection instanceof RateLimiterRes) {
			return {
				ok: false,
				retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000))
			};
		}
		throw rejection;
	}
}

/** A successful login clears the username bucket, so a typo or two does not linger. */
export async function resetLoginAttempts(ip: string, username: string): Promise<void> {
	await perUserAndIp.delete(`${username.toLowerCase()}|${ip}`);
}
