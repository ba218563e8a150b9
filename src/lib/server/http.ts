import { json, type Cookies, type RequestEvent } from '@sveltejs/kit';
import { sessionCookieAttributes, SESSION_COOKIE, type AuthSession } from './auth/session';
import { DEVICE_COOKIE } from './auth/rate-limit';
import { requireGoodInput, ServiceError } from './services/errors';
import { isStoreUnavailable, STORE_UNAVAILABLE } from './db/availability';

export function errorResponse(
	status: number,
	code: string,
	message: string,
	headers?: HeadersInit
) {
	return json({ error: { code, message } }, { status, headers });
}

/** Runs an API handler; a ServiceError becomes the contract's error body, anything else 500. */
export async function api(event: RequestEvent, run: () => Promise<Response>): Promise<Response> {
	try {
		return await run();
	} catch (error) {
		if (error instanceof ServiceError) {
			const headers: Record<string, string> = {};
			if (error.retryAfterSeconds) headers['retry-after'] = String(error.retryAfterSeconds);
			return errorResponse(error.status, error.code, error.message, headers);
		}
		if (isStoreUnavailable(error)) {
			const { status, code, message, retryAfterSeconds } = STORE_UNAVAILABLE;
			return errorResponse(status, code, message, { 'retry-after': String(retryAfterSeconds) });
		}
		event.locals.ctx.log.error({ err: error, path: event.url.pathname }, 'request failed');
		return errorResponse(500, 'internal_error', 'something went wrong');
	}
}

/** Reads a JSON body; a missing or malformed one is `invalid_payload`, never a 500. */
export async function readJson(request: Request): Promise<unknown> {
	const text = await request.text();
	if (text.length > 256 * 1024) throw new ServiceError(413, 'payload_too_large', 'body too large');
	if (text.trim() === '') return {};
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new ServiceError(400, 'invalid_payload', 'body is not valid JSON');
	}
	// Refused here too, for handlers that read a field before any schema does.
	requireGoodInput(body);
	return body;
}

export function setSessionCookie(
	cookies: Cookies,
	token: string,
	session: AuthSession,
	secure: boolean
) {
	cookies.set(SESSION_COOKIE, token, sessionCookieAttributes(session.expiresAt, { secure }));
}

/** The device cookie a sign-in request carried (auth/rate-limit.ts). */
export function deviceCookie(cookies: Cookies): string | undefined {
	return cookies.get(DEVICE_COOKIE);
}

/** Marks this device as one that signed in (auth/rate-limit.ts); kept across sign-outs. */
export function setDeviceCookie(cookies: Cookies, token: string, secure: boolean) {
	cookies.set(DEVICE_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure,
		// 400 days: the longest a browser keeps a cookie (RFC 6265bis).
		maxAge: 400 * 24 * 3600
	});
}

export function clearSessionCookie(cookies: Cookies) {
	cookies.delete(SESSION_COOKIE, { path: '/' });
}
