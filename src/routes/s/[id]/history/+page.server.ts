import * as disclosure from '$lib/server/services/disclosure';
import * as sessions from '$lib/server/services/sessions';
import { pageError } from '../../../guards.server';
import type { PageServerLoad } from './$types';

interface Version {
	seq: number;
	at: string;
	reason: string;
	text: string;
	authors: string[];
}

/**
 * Proposal history: every `proposal_checkpoint` of each item. Members and staff of an open
 * session (the transcript's access rule), anyone once it is closed.
 */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	let transcript: Awaited<ReturnType<typeof disclosure.getTranscript>>;
	let session: sessions.SessionWithItems;
	try {
		transcript = await disclosure.getTranscript(locals.ctx, locals.viewer, params.id);
		session = await sessions.get(locals.ctx, locals.viewer, params.id);
	} catch (e) {
		pageError(e, new URL(url.pathname, url.origin));
	}
	const versions = new Map<string, Version[]>(session.items.map((i) => [i.id, []]));
	for (const entry of transcript.entries) {
		if (entry.type !== 'proposal_checkpoint') continue;
		const data = (entry.data ?? {}) as Record<string, unknown>;
		const list = versions.get(String(data.itemId));
		if (!list) continue;
		list.push({
			seq: entry.seq,
			at: entry.at,
			reason: typeof data.reason === 'string' ? data.reason : '',
			text: typeof data.text === 'string' ? data.text : '',
			authors: Array.isArray(data.authors)
				? data.authors.filter((a): a is string => typeof a === 'string')
				: []
		});
	}
	return {
		session: { id: session.id, title: session.title, status: session.status },
		items: session.items.map((i) => ({
			id: i.id,
			title: i.title,
			versions: versions.get(i.id) ?? []
		}))
	};
};
