import { io, type Socket } from 'socket.io-client';
import type {
	ClientToServerEvents,
	ErrorBody,
	OpinionView,
	ServerToClientEvents
} from '$lib/protocol';
import { watchResume } from './room.svelte';

type BoardSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A watch not answered by then means the socket only looks alive (a thawed WeChat tab). */
const WATCH_TIMEOUT_MS = 8_000;

/**
 * A community's board kept live over socket.io (REFERENCE.md §6): the socket follows the board
 * (`board:watch`) and, on every `board:changed`, the list is fetched again over HTTP as this
 * reader — so hidden words stay masked exactly as on the page. Every (re)connect fetches once
 * too, so changes missed while away never matter.
 */
export class LiveBoard {
	/** The board as last fetched; null until the first fetch answers. */
	list = $state.raw<OpinionView[] | null>(null);
	/** Why the server refused to keep this board live (the page still works by reloading). */
	error = $state.raw<ErrorBody | null>(null);

	readonly communityId: string;
	#socket: BoardSocket;
	#destroyed = false;
	/** Only the answer to the latest fetch may replace the list. */
	#seq = 0;
	#stopWatching: () => void;
	/** Following without a sign-in: the server-sent event stream in place of the socket. */
	#events: EventSource | null = null;

	constructor(communityId: string) {
		this.communityId = communityId;
		// Websocket first: polling through WeChat's proxies is slow; fall back when blocked.
		this.#socket = io({
			transports: ['websocket', 'polling'],
			tryAllTransports: true,
			withCredentials: true
		});
		const socket = this.#socket;
		socket.on('connect', this.#watch);
		socket.on('disconnect', this.#onDisconnect);
		socket.on('connect_error', this.#onConnectError);
		socket.on('board:changed', this.#onChanged);
		this.#stopWatching = watchResume(this.#resume);
	}

	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#stopWatching();
		this.#events?.close();
		this.#socket.disconnect();
		this.#socket.off();
	}

	async refresh(): Promise<void> {
		const seq = ++this.#seq;
		try {
			const response = await fetch(
				`/api/v1/communities/${encodeURIComponent(this.communityId)}/opinions`,
				{ headers: { accept: 'application/json' } }
			);
			if (!response.ok || seq !== this.#seq || this.#destroyed) return;
			const list = (await response.json()) as OpinionView[];
			if (seq === this.#seq && !this.#destroyed) this.list = list;
		} catch {
			// Offline for a moment: the next change or reconnect fetches again.
		}
	}

	#watch = () => {
		if (this.#destroyed) return;
		this.#socket
			.timeout(WATCH_TIMEOUT_MS)
			.emit('board:watch', { communityId: this.communityId }, (timedOut, answer) => {
				if (this.#destroyed) return;
				if (timedOut) return this.#reconnectNow();
				if (!answer.ok) {
					this.error = answer.error;
					return this.#socket.disconnect();
				}
				this.error = null;
				void this.refresh();
			});
	};

	#onChanged: ServerToClientEvents['board:changed'] = ({ communityId }) => {
		if (communityId === this.communityId) void this.refresh();
	};

	#onDisconnect = (reason: Socket.DisconnectReason) => {
		// The server closed us without ending anything (e.g. it restarted): socket.io does not
		// retry that case by itself.
		if (!this.#destroyed && reason === 'io server disconnect') this.#socket.connect();
	};

	#onConnectError = (error: Error & { description?: unknown }) => {
		// No sign-in on this device: the board is public, so follow it as server-sent events.
		if (error.description === 401 && this.#followWithoutSignIn()) {
			this.#socket.disconnect();
			return;
		}
		// No valid session or a foreign Origin (REFERENCE.md §3): retrying would spin forever.
		if (error.description === 401 || error.description === 403) {
			this.error = {
				code: error.description === 401 ? 'unauthorized' : 'forbidden',
				message: error.message
			};
			this.#socket.disconnect();
		}
	};

	/**
	 * `GET …/opinions/events`: `ready` once following (fetch the list), `changed` after every
	 * change. EventSource reconnects by itself and `ready` comes again, so nothing missed matters.
	 */
	#followWithoutSignIn(): boolean {
		if (this.#destroyed || this.#events || typeof EventSource === 'undefined') return false;
		const events = new EventSource(
			`/api/v1/communities/${encodeURIComponent(this.communityId)}/opinions/events`
		);
		events.addEventListener('ready', () => {
			this.error = null;
			void this.refresh();
		});
		events.addEventListener('changed', () => void this.refresh());
		events.addEventListener('error', () => {
			// CLOSED: the server refused (e.g. no such community) and the browser gave up.
			if (events.readyState === EventSource.CLOSED && !this.#destroyed)
				this.error = { code: 'unavailable', message: 'the board cannot be followed live' };
		});
		this.#events = events;
		return true;
	}

	/** Back from a frozen tab or a dead network: reconnect now, or prove the link still lives. */
	#resume = () => {
		if (this.#destroyed || this.error || this.#events) return;
		if (this.#socket.connected) this.#watch();
		else this.#reconnectNow();
	};

	#reconnectNow() {
		this.#socket.disconnect();
		this.#socket.connect();
	}
}
