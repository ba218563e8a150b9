import { m } from '$lib/paraglide/messages.js';

/** A failed post or refresh in the reader's language; the text typed is always kept. */
export function recordErrorText(code: string, max: number): string {
	switch (code) {
		case 'forbidden':
		case 'muted':
			return m.record_error_forbidden();
		case 'session_closed':
			return m.record_error_closed();
		case 'network':
			return m.record_error_network();
		case 'too_long':
			return m.record_error_too_long({ max });
		default:
			return m.record_error_generic({ code });
	}
}
