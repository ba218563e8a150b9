import { m } from '$lib/paraglide/messages.js';
import { STANCES, type Stance } from '$lib/protocol';

export { STANCES };

/** Each stance: words, a symbol and a colour (never colour alone). */
export const STANCE_LOOK: Record<Stance, { label: () => string; icon: string; color: string }> = {
	support: { label: m.comments_stance_support, icon: '✓', color: '#15803d' },
	oppose: { label: m.comments_stance_oppose, icon: '✕', color: '#b91c1c' },
	concern: { label: m.comments_stance_concern, icon: '!', color: '#b45309' },
	question: { label: m.comments_stance_question, icon: '?', color: '#1d4ed8' }
};

export function commentError(code: string): string {
	switch (code) {
		case 'invalid_anchor':
			return m.comments_error_invalid_anchor();
		case 'forbidden':
			return m.comments_error_forbidden();
		case 'session_closed':
			return m.comments_error_session_closed();
		default:
			return m.comments_error_generic();
	}
}
