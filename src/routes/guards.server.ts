/**
 * Page-side access checks and error mapping shared by the staff pages. Pages call services
 * directly; this turns the outcome into what a browser expects: a sign-in redirect that comes
 * back (`next`), or an error page in the reader's language.
 */
import { error, redirect } from '@sveltejs/kit';
import { m } from '$lib/paraglide/messages.js';
import { canModerate } from '$lib/protocol/roles';
import type { SessionUser } from '$lib/server/auth/session';
import type { Viewer } from '$lib/server/services/context';
import { ServiceError } from '$lib/server/services/errors';
import { isStaff } from '$lib/server/access/check';

interface GuardEvent {
	locals: { viewer: Viewer };
	url: URL;
}

/** A `next` target we may redirect to: a path on this site, never `//host` or `/\host`. */
export function safeNext(raw: string | null | undefined, fallback = '/'): string {
	if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) {
		return fallback;
	}
	return raw;
}

export function redirectToLogin(url: URL): never {
	redirect(303, `/login?next=${encodeURIComponent(url.pathname + url.search)}`);
}

export function forbiddenPage(): never {
	error(403, { code: 'forbidden', message: m.error_forbidden() });
}

export function requireUser(event: GuardEvent): SessionUser {
	const user = event.locals.viewer.user;
	if (!user) redirectToLogin(event.url);
	return user;
}

/** Moderators, clerks and administrators: the people who prepare and run sessions. */
export function requireStaff(event: GuardEvent): SessionUser {
	const user = requireUser(event);
	if (!isStaff(event.locals.viewer)) forbiddenPage();
	return user;
}

export function requireModerator(event: GuardEvent): SessionUser {
	const user = requireUser(event);
	if (!canModerate(user.role)) forbiddenPage();
	return user;
}

export function requireAdmin(event: GuardEvent): SessionUser {
	const user = requireUser(event);
	if (user.role !== 'admin') forbiddenPage();
	return user;
}

const messages: Record<string, () => string> = {
	forbidden: m.error_forbidden,
	session_not_found: m.error_session_not_found,
	invite_not_found: m.join_not_found,
	invite_expired: m.join_expired,
	invite_used_up: m.join_used_up,
	invite_revoked: m.join_revoked
};

/** The reader-facing text for a service error code (services speak English to logs). */
export function describe(e: ServiceError): string {
	return (messages[e.code] ?? m.error_generic)();
}

/** Rethrows a service error as the page's error (shown by +error.svelte); anything else as is. */
export function pageError(e: unknown, url: URL): never {
	if (e instanceof ServiceError) {
		if (e.status === 401) redirectToLogin(url);
		error(e.status, { code: e.code, message: describe(e) });
	}
	throw e;
}

/** The field a parse error names (`title: must not be empty` → `title`), if any. */
export function invalidField(e: ServiceError): string | null {
	if (e.code !== 'invalid_payload') return null;
	const match = /^([\w.]+):/.exec(e.message);
	return match ? match[1]!.split('.')[0]! : null;
}
