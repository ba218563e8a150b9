import { sequence } from '@sveltejs/kit/hooks';
import { json, type Handle, type HandleServerError, type ServerInit } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { isWellFormedText } from '$lib/protocol/trust';
import { paraglideMiddleware } from '$lib/paraglide/server';
import { getApp, startApp } from '$lib/server/app';
import { SESSION_COOKIE, validateSessionToken } from '$lib/server/auth/session';
import { clearSessionCookie, errorResponse, setSessionCookie } from '$lib/server/http';
import { isStoreUnavailable, STORE_UNAVAILABLE } from '$lib/server/db/availability';
import { isLarge, LARGE_COOKIE, LARGE_PLACEHOLDER } from '$lib/large-mode';

export const init: ServerInit = async () => {
	await startApp();
};

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Every mutating request must come from our own ORIGIN (REFERENCE.md §2). */
const originHandle: Handle = async ({ event, resolve }) => {
	const app = await getApp();
	event.locals.ctx = app.ctx;
	if (MUTATING.has(event.request.method)) {
		const origin = event.request.headers.get('origin');
		if (origin !== app.config.origin) {
			return errorResponse(403, 'forbidden_origin', 'requests must come from this site');
		}
	}
	return resolve(event);
};

function clientAddress(event: { getClientAddress(): string }): string | undefined {
	try {
		return event.getClientAddress();
	} catch {
		return undefined;
	}
}

/** Lucia guide: validate the cookie, slide its expiry, clear it when stale. */
const authHandle: Handle = async ({ event, resolve }) => {
	const { ctx } = event.locals;
	const token = event.cookies.get(SESSION_COOKIE);
	// The address goes with the viewer so the audit log can say where a staff action came from.
	const ip = clientAddress(event);
	event.locals.viewer = { authSessionId: null, user: null, ip };
	if (token) {
		const { session, user, fresh } = await validateSessionToken(ctx.db, token);
		if (session) {
			event.locals.viewer = { authSessionId: session.id, user, ip };
			if (fresh) setSessionCookie(event.cookies, token, session, ctx.config.secureCookies);
		} else {
			clearSessionCookie(event.cookies);
		}
	}
	return resolve(event);
};

/**
 * An address whose path or query carries text no store keeps (`/api/v1/votes/%00/turnout`,
 * `?communityId=%00`) is refused with 400 `invalid_text` before any route reads an id from it:
 * routes pass ids straight to the store, which fails on a NUL with a 500
 * (src/lib/server/ARCHITECTURE.md trap 16).
 */
const addressTextHandle: Handle = ({ event, resolve }) => {
	let path: string;
	try {
		path = decodeURIComponent(event.url.pathname);
	} catch {
		return errorResponse(400, 'invalid_payload', 'the address is not valid percent-encoding');
	}
	const params = [...event.url.searchParams].flat();
	if (isWellFormedText(path) && params.every((text) => isWellFormedText(text))) {
		return resolve(event);
	}
	return errorResponse(400, 'invalid_text', 'the address carries a NUL byte or a lone surrogate');
};

const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];

/**
 * A form post (a page's action) carrying text no store keeps — a NUL byte, a lone surrogate —
 * is refused here with 400 `invalid_text`, before any action reads a field: actions take ids
 * and words straight from the form, and the store would fail on them with a 500. API bodies
 * are checked by `readJson` and the schemas instead.
 */
const formTextHandle: Handle = async ({ event, resolve }) => {
	const type = event.request.headers.get('content-type') ?? '';
	if (
		event.request.method !== 'POST' ||
		event.url.pathname.startsWith('/api/') ||
		!FORM_TYPES.some((t) => type.startsWith(t))
	) {
		return resolve(event);
	}
	let bad = false;
	try {
		const form = await event.request.clone().formData();
		for (const [key, value] of form) {
			if (!isWellFormedText(key) || (typeof value === 'string' && !isWellFormedText(value))) {
				bad = true;
				break;
			}
		}
	} catch {
		bad = true;
	}
	if (!bad) return resolve(event);
	const message = 'the form carries a NUL byte, a lone surrogate or a malformed body';
	// `use:enhance` asks with this header and reads an ActionResult; a plain post gets the code.
	if (event.request.headers.get('x-sveltekit-action') === 'true') {
		return json({ type: 'error', error: { message } }, { status: 400 });
	}
	return errorResponse(400, 'invalid_text', message);
};

/**
 * The API speaks the contract's error body on every path under it (src/lib/protocol/REFERENCE.md): an unknown
 * call is 404 `not_found` and a known path asked with another method 405 `method_not_allowed`,
 * not SvelteKit's HTML error page or its plain-text 405.
 */
const apiFallbackHandle: Handle = async ({ event, resolve }) => {
	if (!event.url.pathname.startsWith('/api/')) return resolve(event);
	if (event.route.id === null) {
		return errorResponse(404, 'not_found', `no such call: ${event.url.pathname}`);
	}
	const response = await resolve(event);
	if (response.status !== 405 || response.headers.get('content-type')?.includes('json')) {
		return response;
	}
	const allow = response.headers.get('allow');
	return errorResponse(
		405,
		'method_not_allowed',
		`${event.request.method} is not a method of ${event.url.pathname}${allow ? ` (allowed: ${allow})` : ''}`,
		allow ? { allow } : undefined
	);
};

/**
 * Postgres down (a restart, a failover): 503 with a code and a Retry-After, never a 500
 * (db/availability.ts). A hook below this one that meets it throws through here; a page's load
 * or a form's action does not: SvelteKit renders its error page with 500 and tells
 * `handleError`, which marks the request, and the status is corrected here.
 */
const storeHandle: Handle = async ({ event, resolve }) => {
	const { status, code, message, retryAfterSeconds } = STORE_UNAVAILABLE;
	let response: Response;
	try {
		response = await resolve(event);
	} catch (error) {
		if (!isStoreUnavailable(error)) throw error;
		return errorResponse(status, code, message, { 'retry-after': String(retryAfterSeconds) });
	}
	if (response.status !== 500 || !event.locals.storeUnavailable) return response;
	const headers = new Headers(response.headers);
	headers.set('retry-after', String(retryAfterSeconds));
	return new Response(response.body, { status, headers });
};

/** The error page of a request that met a lost store says so (and `storeHandle` answers 503). */
export const handleError: HandleServerError = ({ error, event, message }) => {
	if (isStoreUnavailable(error)) {
		event.locals.storeUnavailable = true;
		return { code: STORE_UNAVAILABLE.code, message: m.error_store_unavailable() };
	}
	// What SvelteKit does without this hook.
	console.error(error);
	return { message };
};

const i18nHandle: Handle = ({ event, resolve }) =>
	paraglideMiddleware(event.request, ({ request, locale }) => {
		event.request = request;
		return resolve(event, {
			transformPageChunk: ({ html }) => html.replace('%paraglide.lang%', locale)
		});
	});

/** 长辈版: rendered by the server from its cookie, so the first paint is already large. */
const largeHandle: Handle = ({ event, resolve }) => {
	const large = isLarge(event.cookies.get(LARGE_COOKIE));
	event.locals.large = large;
	return resolve(event, {
		transformPageChunk: ({ html }) => html.replace(LARGE_PLACEHOLDER, large ? 'data-large="1"' : '')
	});
};

const headersHandle: Handle = async ({ event, resolve }) => {
	const response = await resolve(event);
	const h = response.headers;
	h.set('x-content-type-options', 'nosniff');
	h.set('referrer-policy', 'same-origin');
	h.set('x-frame-options', 'DENY');
	h.set('permissions-policy', 'camera=(), microphone=(), geolocation=()');
	h.set('cross-origin-opener-policy', 'same-origin');
	if (event.locals.ctx?.config.secureCookies) {
		h.set('strict-transport-security', 'max-age=31536000');
	}
	// WeChat caches HTML aggressively; hashed assets carry their own long cache headers.
	if (h.get('content-type')?.startsWith('text/html')) h.set('cache-control', 'no-cache');
	return response;
};

export const handle = sequence(
	headersHandle,
	addressTextHandle,
	storeHandle,
	apiFallbackHandle,
	originHandle,
	authHandle,
	formTextHandle,
	largeHandle,
	i18nHandle
);
