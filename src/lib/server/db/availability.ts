/**
 * Telling "the database is gone" from a bug: while Postgres is down (or restarting) requests
 * that need it are refused with 503 `store_unavailable` and a Retry-After, not a 500, and
 * nothing is acknowledged that was not committed. The pool reconnects by itself.
 */
const CONNECTION_CODES = new Set([
	'ECONNREFUSED',
	'ECONNRESET',
	'EPIPE',
	'ETIMEDOUT',
	'EHOSTUNREACH',
	'ENOTFOUND',
	'CONNECTION_CLOSED',
	'CONNECTION_ENDED',
	'CONNECTION_DESTROYED',
	'CONNECT_TIMEOUT',
	// Postgres: admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections.
	'57P01',
	'57P02',
	'57P03',
	'53300'
]);

export function isStoreUnavailable(error: unknown): boolean {
	for (let e = error, depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
		const code = (e as { code?: unknown }).code;
		if (typeof code === 'string' && CONNECTION_CODES.has(code)) return true;
		if (e instanceof TypeError && /reading 'write'/.test(e.message)) return true;
		e = (e as { cause?: unknown }).cause;
	}
	return false;
}

export const STORE_UNAVAILABLE = {
	status: 503,
	code: 'store_unavailable',
	message: 'the database is not reachable right now; nothing was changed, try again shortly',
	retryAfterSeconds: 2
} as const;
