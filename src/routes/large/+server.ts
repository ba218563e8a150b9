import { redirect } from '@sveltejs/kit';
import { LARGE_COOKIE, LARGE_COOKIE_MAX_AGE } from '$lib/large-mode';
import type { RequestHandler } from './$types';

/** Only a path on this site: the switch's form sends where it was, never another origin. */
const backTo = (value: FormDataEntryValue | null) => {
	const path = typeof value === 'string' ? value : '/';
	return path.startsWith('/') && !path.startsWith('//') && !path.startsWith('/\\') ? path : '/';
};

/**
 * The 长辈版 switch without JavaScript: a form post sets or clears the cookie and comes back
 * to the page it was sent from (with JavaScript the switch writes the cookie itself).
 */
export const POST: RequestHandler = async ({ request, cookies, locals }) => {
	const form = await request.formData().catch(() => null);
	const on = form?.get('on') === '1';
	const secure = locals.ctx.config.secureCookies;
	if (on) {
		cookies.set(LARGE_COOKIE, '1', {
			path: '/',
			maxAge: LARGE_COOKIE_MAX_AGE,
			sameSite: 'lax',
			httpOnly: false,
			secure
		});
	} else {
		cookies.delete(LARGE_COOKIE, { path: '/', secure });
	}
	redirect(303, backTo(form?.get('back') ?? null));
};
