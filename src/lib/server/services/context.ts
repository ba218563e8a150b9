import type { ParticipantView } from '$lib/protocol';
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { Logger } from '../log';
import type { SessionUser } from '../auth/session';
import type { FeedItem } from '$lib/protocol/cloud';

/** What the realtime layer offers services: who is online, and pushing changes out. */
export interface RealtimeHooks {
	onlineParticipantIds(sessionId: string): ReadonlySet<string>;
	/**
	 * The participant list of a live room from memory (the roster presence keeps), so a join
	 * does not read every participant from the database. Absent: read from the database.
	 */
	participantList?(sessionId: string): Promise<ParticipantView[]>;
	/**
	 * The participant list of a room changed (for `participantId` only, when given — e.g. a
	 * newcomer): the room is told on the next presence tick.
	 */
	presenceChanged(sessionId: string, participantId?: string): void;
	/** Closes every live socket signed in with this auth session (logout). */
	disconnectAuthSession(authSessionId: string): void;
	/** Agenda, current item or settings changed: everyone gets `session:state`. */
	sessionChanged(sessionId: string): void;
	queueChanged(sessionId: string): void;
	/** A vote was created, opened or closed: `vote:state` and `vote:tally`. */
	voteChanged(sessionId: string, voteId: string): void;
	/** Ballots came in: `vote:tally`, coalesced so a burst sends one tally per interval. */
	tallyChanged(sessionId: string, voteId: string): void;
	/** A participant's seats changed: their own sockets get `me:seats`. */
	seatsChanged(sessionId: string, participantId: string): void;
	/** Entries were appended: the room gets the new head (`transcript:head`). */
	transcriptChanged(sessionId: string): void;
	/**
	 * A participant was muted, unmuted or removed: their sockets reconnect (and are refused, or
	 * come back with the new rights), everyone gets the new participant list.
	 */
	participantChanged(sessionId: string, participantId: string, authSessionId: string | null): void;
	/** The session closed: `session:state`, and document sockets reconnect read-only. */
	sessionClosed(sessionId: string, docNames: string[]): void;
	/**
	 * A notification was committed: `notification` to the session's room (session audience) or
	 * to one participant's sockets (participant audience). Other audiences have no room.
	 */
	notified(notice: Notified): void;
	/** Comments on an item were added or resolved: the room gets `comments:changed {itemId}`. */
	commentsChanged(sessionId: string, itemId: string): void;
	/**
	 * A community's board changed (opinion posted, answered, hidden or made a project; hands):
	 * its watchers get `board:changed {communityId}`. Call after the change committed.
	 */
	boardChanged(communityId: string): void;
	/**
	 * Calls `listener` whenever a community's board changed, on whichever node the change was
	 * made (the readers without a sign-in, who follow it as a server-sent event stream). Returns
	 * the function that stops it.
	 */
	watchBoard(communityId: string, listener: () => void): () => void;
}

/** A committed notification as the realtime layer routes it. */
export interface Notified {
	audience: string;
	sessionId: string | null;
	participantId: string | null;
	item: FeedItem;
}

/** Proposal documents as services need them (the live copy when loaded). */
export interface ProposalDocs {
	state(docName: string): Promise<Uint8Array>;
	/** A server-side change (a merged amendment), broadcast and persisted like an edit. */
	edit<T>(docName: string, change: (doc: import('yjs').Doc) => T): Promise<T>;
	/** Closes a document's sockets so they reconnect with fresh rights (phase changes). */
	disconnect(docName: string, code: number, reason: string): void;
	/** Stored (every node's writes) merged with this node's live copy: for checkpoints. */
	mergedState(docName: string): Promise<Uint8Array>;
}

/** Work due by the clock (see scheduler.ts): poke it after setting or moving a deadline. */
export interface Timers {
	poke(): void;
	runNow(): Promise<void>;
}

export interface Ctx {
	db: Db;
	timers: Timers;
	docs: ProposalDocs;
	config: Config;
	log: Logger;
	realtime: RealtimeHooks;
}

/** Who is asking: the device's auth session and, when signed in, the account. */
export interface Viewer {
	authSessionId: string | null;
	user: SessionUser | null;
	/** The client address of the request, when known (the audit log records it). */
	ip?: string;
}
