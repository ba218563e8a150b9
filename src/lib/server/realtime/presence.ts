/**
 * Who is online in each room, by participant, counting sockets: a person with a phone and a
 * laptop stays online until both leave. Process-local; with several nodes this moves to Redis
 * (ARCHITECTURE: scale-out plan).
 */
export class Presence {
	#rooms = new Map<string, Map<string, number>>();

	/** Returns true when the participant just came online. */
	add(sessionId: string, participantId: string): boolean {
		let room = this.#rooms.get(sessionId);
		if (!room) this.#rooms.set(sessionId, (room = new Map()));
		const n = room.get(participantId) ?? 0;
		room.set(participantId, n + 1);
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
		if (room.size === 0) this.#rooms.delete(sessionId);
		return true;
	}

	online(sessionId: string): Set<string> {
		return new Set(this.#rooms.get(sessionId)?.keys());
	}
}
