/**
 * Reading people's words from a transcript answer: entries written since words are committed
 * to carry them beside the entry (`content`), older ones in `data.text`. Hidden words read as
 * the reason they were hidden. For display only: never hash what this returns.
 */
import * as m from '$lib/paraglide/messages.js';

interface WithContent {
	data: unknown;
	content?: { text?: string; hidden?: boolean; reason?: string };
}

export function readable<E extends WithContent>(e: E): E {
	const content = e.content;
	if (!content) return e;
	const data = (e.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>;
	const text =
		typeof content.text === 'string'
			? content.text
			: m.trust_hidden_text({ reason: content.reason ?? '' });
	return {
		...e,
		data: { ...data, text, ...(content.hidden ? { hiddenReason: content.reason ?? '' } : {}) }
	};
}
