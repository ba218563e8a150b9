/**
 * The participant list of each live room, kept in memory so that a join or a leave costs the
 * room one small delta instead of the whole list read from the database and sent to everyone
 * (which made filling a room O(N²)). Loaded from the database once per live room, kept up to
 * date by the changes the server makes, dropped when the room's last socket leaves.
 */
import type { ParticipantView, PresenceDelta, Role } from '$lib/protocol';

/** A participant as the roster keeps it; `online` comes from who has sockets open. */
export type Member = Omit<ParticipantView, 'online'>;

export interface ParticipantRowLike {
	id: string;
	name: string;
	role: string;
	status: string;
}

/** `null` for a removed participant: they leave the list. */
export function memberOf(row: ParticipantRowLike): Member | null {
	if (row.status === 'removed') return null;
	return { id: row.id, name: row.name, role: row.role as Role, muted: row.status === 'muted' };
}

export class Roster {
	#rooms = new Map<string, Map<string, Member>>();
	/** Participants whose entry must be sent in the next delta, per room. */
	#touched = new Map<string, Set<string>>();

	loaded(sessionId: string): boolean {
		return this.#rooms.has(sessionId);
	}

	/** Replaces a room's list (first load, or a reload after an unspecified change). */
	load(sessionId: string, rows: readonly ParticipantRowLike[]): void {
		const before = this.#rooms.get(sessionId);
		const room = new Map<string, Member>();
		for (const row of rows) {
			const m = memberOf(row);
			if (m) room.set(m.id, m);
		}
		this.#rooms.set(sessionId, room);
		if (!before) return;
		// Whatever differs from what the clients were told goes into the next delta.
		for (const id of new Set([...before.keys(), ...room.keys()])) {
			const a = before.get(id);
			const b = room.get(id);
			if (!a || !b || a.name !== b.name || a.role !== b.role || a.muted !== b.muted)
				this.touch(sessionId, id);
		}
	}

	has(sessionId: string, participantId: string): boolean {
		return this.#rooms.get(sessionId)?.has(participantId) ?? false;
	}

	/** Adds or refreshes one participant from their row (a removed one leaves the list). */
	put(sessionId: string, row: ParticipantRowLike): void {
		const room = this.#rooms.get(sessionId);
		if (!room) return;
		const m = memberOf(row);
		if (m) room.set(m.id, m);
		else room.delete(row.id);
		this.touch(sessionId, row.id);
	}

	/** Marks a participant for the next delta (e.g. they came online or went offline). */
	touch(sessionId: string, participantId: string): void {
		let set = this.#touched.get(sessionId);
		if (!set) this.#touched.set(sessionId, (set = new Set()));
		set.add(participantId);
	}

	/** Touched participants the roster does not know yet (their row must be read first). */
	unknownTouched(sessionId: string): string[] {
		const room = this.#rooms.get(sessionId);
		return [...(this.#touched.get(sessionId) ?? [])].filter((id) => !room?.has(id));
	}

	/** The whole list as `presence` and the join snapshot give it. */
	list(sessionId: string, online: ReadonlySet<string>): ParticipantView[] {
		return [...(this.#rooms.get(sessionId)?.values() ?? [])].map((m) => ({
			...m,
			online: online.has(m.id)
		}));
	}

	/** Takes the delta of everything touched since the last call; null when nothing was. */
	takeDelta(sessionId: string, online: ReadonlySet<string>): PresenceDelta | null {
		const touched = this.#touched.get(sessionId);
		this.#touched.delete(sessionId);
		if (!touched || touched.size === 0) return null;
		const room = this.#rooms.get(sessionId);
		const delta: PresenceDelta = { upsert: [], remove: [] };
		for (const id of touched) {
			const m = room?.get(id);
			if (m) delta.upsert.push({ ...m, online: online.has(id) });
			else delta.remove.push(id);
		}
		return delta;
	}

	/** Forgets a room (its last socket left): it is loaded again on the next join. */
	drop(sessionId: string): void {
		this.#rooms.delete(sessionId);
		this.#touched.delete(sessionId);
	}
}
