/** Recording what happens in a session (rule 7) and reading the chain back (REFERENCE.md §4). */
import * as clock from '../clock';
import type { Db } from '../db/client';
import type { Participant } from '../db/participants';
import * as transcript from '../db/transcript';
import type { Actor, Json } from '../domain/transcript';
import type { SessionUser } from '../auth/session';
import type { EntryData, EntryType } from '$lib/protocol/transcript';

export const systemActor: Actor = { id: 'system', name: 'system', role: 'system' };

export const actorOf = (p: Pick<Participant, 'id' | 'name' | 'role'>): Actor => ({
	id: p.id,
	name: p.name,
	role: p.role
});

export const actorOfUser = (u: SessionUser): Actor => ({
	id: u.id,
	name: u.username,
	role: u.role
});

/**
 * Appends an entry in the caller's transaction. `type` and `data` are declared once in
 * `$lib/protocol/transcript` (JSON-safe data only: dates as ISO strings).
 */
export function record<T extends EntryType>(
	db: Db,
	sessionId: string,
	type: T,
	actor: Actor,
	data: EntryData<T>,
	at = clock.now()
) {
	return transcript.append(db, sessionId, {
		at: at.toISOString(),
		type,
		actor,
		data: data as unknown as Record<string, Json>
	});
}
