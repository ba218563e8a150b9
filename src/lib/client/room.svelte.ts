import { io, type Socket } from 'socket.io-client';
import {
	applyPresenceDelta,
	canWrite,
	type Ack,
	type ClientToServerEvents,
	type ErrorBody,
	type RoomState,
	type ServerToClientEvents
} from '$lib/protocol';

export type RoomStatus = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'ended';

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A join not answered by then means the socket only looks alive (a thawed WeChat tab). */
const JOIN_TIMEOUT_MS = 8_000;
/** Retry delay after the server refused a join for a passing reason (rate limit, hiccup). */
const JOIN_RETRY_MS = 3_000;
/** How long an action waits for its acknowledgement before the UI offers to try again. */
const ACK_TIMEOUT_MS = 10_000;
/** Refusals that another attempt cannot change: the person has to open their link again. */
const FINAL_JOIN_ERRORS = new Set(['unauthorized', 'forbidden', 'session_not_found']);

/**
 * Calls `resume` whenever a frozen or offline page comes back: WeChat freezes background tabs
 * and drops their sockets (src/lib/server/ARCHITECTURE.md, browsers), and waiting out a reconnect backoff
 * after the person looks at the screen again is what makes a room feel broken.
 * Returns the function that removes the listeners.
 */
export function watchResume(resume: () => void): () => void {
	const onVisibility = () => {
		if (document.visibilityState === 'visible') resume();
	};
	document.addEventListener('visibilitychange', onVisibility);
	window.addEventListener('online', resume);
	window.addEventListener('pageshow', resume);
	return () => {
		document.removeEventListener('visibilitychange', onVisibility);
		window.removeEventListener('online', resume);
		window.removeEventListener('pageshow', resume);
	};
}

const browserOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false;

/**
 * The live room of one session over socket.io: the one bridge between that socket and the
 * components, which only read `status`, `state` and `error`.
 *
 * Every (re)connect sends `session:join` and replaces `state` with the snapshot in its answer,
 * so events missed while away never matter (REFERENCE.md §3).
 */
export class RoomConnection {
	status = $state<RoomStatus>('connecting');
	state = $state.raw<RoomState | null>(null);
	error = $state.raw<ErrorBody | null>(null);
	/** The last `comments:changed` (a new object each time): comment lists fetch again. */
	commentsChanged = $state.raw<{ itemId: string } | null>(null);

	readonly sessionId: string;
	#socket: RoomSocket;
	#everOnline = false;
	#destroyed = false;
	/** Only the answer to the latest join may replace the state. */
	#joinSeq = 0;
	#retryTimer: ReturnType<typeof setTimeout> | null = null;
	#stopWatching: () => void;

	constructor(sessionId: string) {
		this.sessionId = sessionId;
		// Websocket first: polling through WeChat's proxies is slow; fall back when blocked.
		this.#socket = io({
			transports: ['websocket', 'polling'],
			tryAllTransports: true,
			withCredentials: true
		});
		const socket = this.#socket;
		socket.on('connect', this.#join);
		socket.on('disconnect', this.#onDisconnect);
		socket.on('connect_error', this.#onConnectError);
		socket.on('presence', this.#onPresence);
		socket.on('presence:delta', this.#onPresenceDelta);
		socket.on('session:state', this.#onSessionState);
		socket.on('session:ended', this.#onEnded);
		socket.on('queue', this.#onQueue);
		socket.on('vote:state', this.#onVoteState);
		socket.on('vote:tally', this.#onTally);
		socket.on('me:seats', this.#onSeats);
		socket.on('transcript:head', this.#onHead);
		socket.on('notification', this.#onNotification);
		socket.on('comments:changed', this.#onComments);
		window.addEventListener('offline', this.#onOffline);
		this.#stopWatching = watchResume(this.#resume);
	}

	/** Closes the socket and removes every listener; the object is dead afterwards. */
	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#clearRetry();
		this.#stopWatching();
		window.removeEventListener('offline', this.#onOffline);
		this.#socket.disconnect();
		this.#socket.off();
	}

	#join = () => {
		if (this.#destroyed || this.status === 'ended') return;
		this.#clearRetry();
		const seq = ++this.#joinSeq;
		this.#socket
			.timeout(JOIN_TIMEOUT_MS)
			.emit(
				'session:join',
				{ sessionId: this.sessionId, presence: 'delta' },
				(timedOut, answer) => {
					if (seq !== this.#joinSeq || this.#destroyed || this.status === 'ended') return;
					if (timedOut) return this.#reconnectNow();
					if (answer.ok) {
						this.state = answer.state;
						this.error = null;
						this.status = 'online';
						this.#everOnline = true;
						return;
					}
					this.error = answer.error;
					if (FINAL_JOIN_ERRORS.has(answer.error.code)) return this.#end();
					this.#retryTimer = setTimeout(this.#join, JOIN_RETRY_MS);
				}
			);
	};

	#onDisconnect = (reason: Socket.DisconnectReason) => {
		if (this.#destroyed || this.status === 'ended') return;
		this.#clearRetry();
		this.status = this.#waitingStatus();
		// The server closed us without ending the membership (e.g. it restarted): socket.io
		// does not retry that case by itself.
		if (reason === 'io server disconnect') this.#socket.connect();
	};

	#onConnectError = (error: Error & { description?: unknown }) => {
		if (this.#destroyed || this.status === 'ended') return;
		// The handshake refused this device (no valid session, or a foreign Origin: REFERENCE.md §3).
		// Only the polling transport can see the HTTP status; retrying would spin forever.
		if (error.description === 401 || error.description === 403) {
			this.error = {
				code: error.description === 401 ? 'unauthorized' : 'forbidden',
				message: error.message
			};
			return this.#end();
		}
		this.status = this.#waitingStatus();
	};

	#onPresence: ServerToClientEvents['presence'] = ({ participants }) => {
		if (this.state) this.state = { ...this.state, participants };
	};

	#onPresenceDelta: ServerToClientEvents['presence:delta'] = (delta) => {
		if (this.state)
			this.state = {
				...this.state,
				participants: applyPresenceDelta(this.state.participants, delta)
			};
	};

	#onSessionState: ServerToClientEvents['session:state'] = (snapshot) => {
		const current = this.state;
		if (!current) return;
		// The server re-checks every write; this only keeps the page honest after a close.
		const me = { ...current.me, canWrite: canWrite(current.me.role, snapshot.status) };
		this.state = { ...current, ...snapshot, me };
	};

	#onQueue: ServerToClientEvents['queue'] = ({ speakingTotals, ...queue }) => {
		if (this.state) this.state = { ...this.state, queue, speakingTotals };
	};

	#onVoteState: ServerToClientEvents['vote:state'] = (vote) => {
		const current = this.state;
		if (!current) return;
		const known = current.votes.some((v) => v.id === vote.id);
		const votes = known
			? current.votes.map((v) => (v.id === vote.id ? vote : v))
			: [...current.votes, vote];
		this.state = { ...current, votes };
	};

	#onTally: ServerToClientEvents['vote:tally'] = (tally) => {
		const current = this.state;
		if (!current) return;
		this.state = {
			...current,
			votes: current.votes.map((v) =>
				v.id === tally.voteId ? { ...v, status: tally.status, current: tally } : v
			)
		};
	};

	#onHead: ServerToClientEvents['transcript:head'] = ({ seq, hash }) => {
		if (this.state && seq >= this.state.transcriptHead.seq) {
			this.state = { ...this.state, transcriptHead: { seq, hash } };
		}
	};

	/** Notifications that arrived on this connection (the badge adds them to what it loaded). */
	notices = $state(0);

	#onNotification: ServerToClientEvents['notification'] = () => {
		this.notices += 1;
	};

	#onComments: ServerToClientEvents['comments:changed'] = ({ itemId }) => {
		this.commentsChanged = { itemId };
	};

	#onSeats: ServerToClientEvents['me:seats'] = ({ seats }) => {
		if (this.state) this.state = { ...this.state, me: { ...this.state.me, seats } };
	};

	/** Asks for the floor; answers once the hand is stored (or why not). */
	raiseHand(kind: 'speak' | 'point_of_order' = 'speak'): Promise<Ack> {
		return this.#ask('hand:raise', { kind });
	}

	lowerHand(): Promise<Ack> {
		return this.#ask('hand:lower', {});
	}

	/** Casts a ballot; `ok` only after the server committed it (never lost across a reconnect). */
	async castBallot(voteId: string, choice: string | string[]): Promise<Ack> {
		const answer = await this.#ask('ballot:cast', { voteId, choice });
		if (answer.ok && this.state) {
			const mine = Array.isArray(choice) ? choice : [choice];
			this.state = { ...this.state, myBallots: { ...this.state.myBallots, [voteId]: mine } };
		}
		return answer;
	}

	#ask<E extends 'hand:raise' | 'hand:lower' | 'ballot:cast'>(
		event: E,
		payload: Parameters<ClientToServerEvents[E]>[0]
	): Promise<Ack> {
		if (!this.#socket.connected) {
			return Promise.resolve({ ok: false, error: { code: 'offline', message: 'not connected' } });
		}
		const untyped = this.#socket as unknown as {
			timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<Ack> };
		};
		return untyped
			.timeout(ACK_TIMEOUT_MS)
			.emitWithAck(event, payload)
			.catch(() => ({
				ok: false as const,
				error: { code: 'timeout', message: 'no answer from the server' }
			}));
	}

	#onEnded: ServerToClientEvents['session:ended'] = ({ reason }) => {
		this.error = { code: 'session_ended', message: reason };
		this.#end();
	};

	#onOffline = () => {
		if (this.#destroyed || this.status === 'ended') return;
		this.status = 'offline';
	};

	/** Back from a frozen tab or a dead network: reconnect now, or prove the link still lives. */
	#resume = () => {
		if (this.#destroyed || this.status === 'ended') return;
		if (this.#socket.connected) {
			// A thawed socket can look connected and be dead: the join answers or times out.
			this.#join();
			return;
		}
		this.#reconnectNow();
	};

	/** Skips socket.io's backoff: its manager only restarts from a clean close. */
	#reconnectNow() {
		this.status = this.#waitingStatus();
		this.#socket.disconnect();
		this.#socket.connect();
	}

	#end() {
		this.#clearRetry();
		this.status = 'ended';
		this.#socket.disconnect();
	}

	#waitingStatus(): RoomStatus {
		if (browserOffline()) return 'offline';
		return this.#everOnline ? 'reconnecting' : 'connecting';
	}

	#clearRetry() {
		if (this.#retryTimer) clearTimeout(this.#retryTimer);
		this.#retryTimer = null;
	}
}
