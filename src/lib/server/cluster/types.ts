/**
 * The one seam for state that must agree across nodes (src/lib/server/ARCHITECTURE.md,
 * "Several nodes"). Postgres stays the record; what goes through here is fan-out and short-lived
 * coordination, so losing it may delay a broadcast but never loses or changes a fact.
 *
 * Two implementations keep the same contract (`contract.ts`, run against both): `local.ts`
 * (one process; nodes on one in-process hub, which is what a single node is) and `redis.ts`.
 */

/** Messages between nodes, per channel. A node never receives its own messages. */
export interface Bus {
	/** Sends to every OTHER node subscribed to `channel`; dropped (and logged) while disconnected. */
	publish(channel: string, message: Uint8Array | string): void;
	/** Resolves once subscribed; the returned function unsubscribes. */
	subscribe(
		channel: string,
		handler: (message: Uint8Array, fromNode: string) => void
	): Promise<() => Promise<void>>;
}

/**
 * Who is online in each session, over every node: a person with a phone on one node and a
 * laptop on another is one online participant. Counts sockets per node, so a node that dies
 * takes exactly its own sockets with it.
 */
export interface PresenceStore {
	/** A socket of this node joined as the participant; true when they came online cluster-wide. */
	join(sessionId: string, participantId: string): Promise<boolean>;
	/** That socket left; true when the participant went offline cluster-wide. */
	leave(sessionId: string, participantId: string): Promise<boolean>;
	/**
	 * Online participants of a session as this node last heard (a live view: read it at once).
	 * Exact for sessions this node has sockets in (it loads them on the first `join`).
	 */
	online(sessionId: string): ReadonlySet<string>;
}

/** Presence changes made by another node (or by the loss of one), once per change. */
export interface PresenceChange {
	sessionId: string;
	participantId: string;
	online: boolean;
	/** True when this node is the one that must record the change (it reaped a dead node). */
	record: boolean;
}

/** Short-lived exclusive leases (who does a piece of coordination); Postgres locks do the rest. */
export interface Leases {
	/** Takes or renews the lease for `ttlMs`; false while another node holds it. */
	acquire(name: string, ttlMs: number): Promise<boolean>;
	release(name: string): Promise<void>;
}

export interface ClusterState {
	readonly kind: 'local' | 'redis';
	/** Random per process start: a restarted node is a new node. */
	readonly nodeId: string;
	readonly bus: Bus;
	readonly presence: PresenceStore;
	readonly leases: Leases;
	/** For `local` always true; for `redis`, whether commands reach Redis now. */
	connected(): boolean;
	/** Remote presence changes (other nodes, reaped nodes). */
	onPresence(listener: (change: PresenceChange) => void): () => void;
	/** Called after the connection to Redis came back (caches reconcile with the database). */
	onReconnect(listener: () => void): () => void;
	close(): Promise<void>;
}
