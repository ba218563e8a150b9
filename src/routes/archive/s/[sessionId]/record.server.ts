import { error } from '@sveltejs/kit';
import { loadRecord } from '$lib/server/services/session-record';
import { m } from '$lib/paraglide/messages.js';
import type { Ctx, Viewer } from '$lib/server/services/context';
import { ServiceError } from '$lib/server/services/errors';

/**
 * The public record of a CLOSED session. An open session — or one that does not exist, or one
 * this viewer may not see — is simply not in the archive: 404 either way, so the archive never
 * tells whether an open session exists.
 */
export async function closedRecord(ctx: Ctx, viewer: Viewer, sessionId: string) {
	const notInArchive = () => error(404, { code: 'not_in_archive', message: m.archive_not_found() });
	try {
		const record = await loadRecord(ctx, viewer, sessionId);
		if (record.session.status !== 'closed') notInArchive();
		return record;
	} catch (e) {
		if (e instanceof ServiceError) notInArchive();
		throw e;
	}
}
