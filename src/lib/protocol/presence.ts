import type { Role } from './roles';

/** A member of the room as everyone in it sees them (presence lists and deltas). */
export interface ParticipantView {
	id: string;
	name: string;
	role: Role;
	online: boolean;
	/** Muted by the moderator: listens and votes, does not speak or edit. */
	muted: boolean;
}

/**
 * `presence:delta` (s→c, for sockets that joined with `presence: "delta"`): the participants
 * that changed since the last one — added, came online, went offline, muted — and those that
 * left the list (removed). The full list comes with the `session:join` answer.
 */
export interface PresenceDelta {
	upsert: ParticipantView[];
	remove: string[];
}

/** Applies a delta to a participant list (order kept, newcomers appended). Pure. */
export function applyPresenceDelta(
	list: readonly ParticipantView[],
	delta: PresenceDelta
): ParticipantView[] {
	const gone = new Set(delta.remove);
	const updates = new Map(delta.upsert.map((p) => [p.id, p]));
	const out: ParticipantView[] = [];
	for (const p of list) {
		if (gone.has(p.id)) continue;
		const u = updates.get(p.id);
		if (u) updates.delete(p.id);
		out.push(u ?? p);
	}
	for (const p of updates.values()) out.push(p);
	return out;
}
