/**
 * Who is online in each room, by participant, counting sockets: a person with a phone and a
 * laptop stays online until both leave. Process-local; with several nodes this moves to Redis
 * (ARCHITECTURE: scale-out plan).
 */
const NOBODY: ReadonlySet<string> = new Set();

export class Presence {
	/** Open sockets per participant, per room. */
	#rooms = new Map<string, Map<string, number>>();
	/** The same rooms' online participants as a set, kept alongside (see `online`). */
	#online = new Map<string, Set<string>>();

	/** Returns true when the participant just came online. */
	add(sessionId: string, participantId: string): boolean {
		let room = this.#rooms.get(sessionId);
		if (!room) {
			this.#rooms.set(sessionId, (room = new Map()));
			this.#online.set(sessionId, new Set());
		}
		const n = room.get(participantId) ?? 0;
		room.set(participantId, n + 1);
		if (n === 0) this.#online.get(sessionId)!.add(participantId);
		return n === 0;
	}

	/** Returns true when the participant just went offline. */
	remove(sessionId: string, participantId: string): boolean {
		const room = this.#rooms.get(sessionId);
		const n = room?.get(participantId);
		if (!room || n === undefined) return false;
		if (n > 1) {
			room.set(participantId, n - 1);
			return false;
		}
		room.delete(participantId);
		this.#online.get(sessionId)?.delete(participantId);
		if (room.size === 0) {
			this.#rooms.delete(sessionId);
			this.#online.delete(sessionId);
		}
		return true;
	}

	/**
	 * Who is online in a room: a live view, not a copy (a join into a room of 5 000 used to copy
	 * the whole set, twice). Read it at once; it changes as sockets come and go.
	 */
	online(sessionId: string): ReadonlySet<string> {
		return this.#online.get(sessionId) ?? NOBODY;
	}
}
