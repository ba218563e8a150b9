/**
 * Loads a session's public record for the archive pages and the Markdown export. Access is the
 * services' own: the transcript is readable by members and staff, and by anyone once closed.
 */
import { buildRecord, type ArchiveRecord } from '$lib/protocol/public-record';
import type { Ctx, Viewer } from './context';
import { mask } from './archive';
import * as disclosure from './disclosure';
import * as sessions from './sessions';
import * as votes from './votes';
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
