import { getLocale } from '$lib/paraglide/runtime.js';

/**
 * Dates are shown in China Standard Time on every device, so the server-rendered text and
 * the hydrated page agree and a printed sheet means the same hour wherever it was printed.
 */
export function formatDateTime(iso: string): string {
	return new Intl.DateTimeFormat(getLocale(), {
		timeZone: 'Asia/Shanghai',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit'
	}).format(new Date(iso));
}
