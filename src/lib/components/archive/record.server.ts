/**
 * Loads a session's public record for the archive pages and the Markdown export. Access is the
 * services' own: the transcript is readable by members and staff, and by anyone once closed.
 */
import type { Ctx, Viewer } from '$lib/server/services/context';
import { mask } from '$lib/server/services/archive';
import * as disclosure from '$lib/server/services/disclosure';
import * as sessions from '$lib/server/services/sessions';
import * as votes from '$lib/server/services/votes';
import { buildRecord, type ArchiveRecord } from './record';
import { readable } from '$lib/transcript-words';

export async function loadRecord(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string
): Promise<ArchiveRecord> {
	const transcript = await disclosure.getTranscript(ctx, viewer, sessionId);
	const session = sessions.toView(await sessions.get(ctx, viewer, sessionId));
	const { votes: views } = await votes.forRoom(ctx, sessionId, { id: '', role: 'observer' });
	return buildRecord(
		{ session, entries: transcript.entries.map(readable), head: transcript.head, votes: views },
		mask
	);
}
