import { error } from '@sveltejs/kit';
import { excerpt } from '$lib/components/archive/labels';
import { m } from '$lib/paraglide/messages.js';
import * as archive from '$lib/server/services/archive';
import { ServiceError } from '$lib/server/services/errors';
import { search } from '$lib/server/services/search';
import type { PageServerLoad } from './$types';

/** A community's public archive: no account needed. `?q=` searches it. */
export const load: PageServerLoad = async ({ locals, params, url }) => {
	let found: Awaited<ReturnType<typeof archive.community>>;
	try {
		found = await archive.community(locals.ctx, params.communityId);
	} catch (e) {
		if (e instanceof ServiceError && e.status === 404)
			error(404, { code: e.code, message: m.archive_community_not_found() });
		throw e;
	}
	const closed = new Set(found.sessions.map((s) => s.id));

	const q = (url.searchParams.get('q') ?? '').trim();
	let results: Awaited<ReturnType<typeof search>> | null = null;
	let tooLong = false;
	if (q.length > 100) tooLong = true;
	else if (q) {
		// Search covers every community's archive; this page lists its own.
		results = await search(locals.ctx, q, {
			communityId: params.communityId,
			kind: url.searchParams.get('kind')
		}).catch((e: unknown) => {
			if (e instanceof ServiceError && e.status === 400) return [];
			throw e;
		});
	}

	return {
		community: found.community,
		sessions: found.sessions,
		escalations: found.escalations.map((e) => ({
			id: e.id,
			itemTitle: e.itemTitle,
			answer: excerpt(e.answer ?? '', 140),
			deadline: e.deadline,
			overdue: e.overdue,
			sessionId: e.sessionId,
			sessionPublic: closed.has(e.sessionId)
		})),
		q,
		tooLong,
		results
	};
};
