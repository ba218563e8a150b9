import { unchangedSince } from '$lib/proposal-version';
import type { ProposalStatus } from './proposal.svelte';
import { watchResume } from './room.svelte';

/** y-websocket's framing (y-protocols/sync.js): message type, then the sync step. */
const MESSAGE_SYNC = 0;
const SYNC_STEP_1 = 0;
const SYNC_STEP_2 = 1;
const SYNC_UPDATE = 2;
/** Asks the server for everyone's awareness: a cheap echo that tells a live socket. */
const QUERY_AWARENESS = new Uint8Array([3]);
/** y-websocket's reconnect backoff: 100 ms doubling up to 2.5 s. */
const MAX_BACKOFF_MS = 2_500;
/** A thawed socket that does not answer a probe in this time is replaced. */
const PROBE_TIMEOUT_MS = 4_000;
/** A connect attempt older than this when the page comes back is assumed stuck. */
const STUCK_CONNECT_MS = 4_000;

/** lib0's varuint (7 bits a byte, least significant first). */
function writeUint(out: number[], value: number): void {
	while (value > 0x7f) {
		out.push((value & 0x7f) | 0x80);
		value = Math.floor(value / 128);
	}
	out.push(value);
}

function readUint(bytes: Uint8Array, at: { i: number }): number {
	let value = 0;
	let scale = 1;
	for (;;) {
		const byte = bytes[at.i++];
		if (byte === undefined) throw new RangeError('frame ends early');
		value += (byte & 0x7f) * scale;
		if (byte < 0x80) return value;
		scale *= 128;
	}
}

/**
 * Watches a proposal whose text the page already shows (rendered on the server) and reports
 * the moment it changes, without Yjs: the room then loads the live reader
 * (`proposal-reader.svelte.ts`). A y-websocket connection of its own that sends sync step 1
 * with the rendered state vector and compares the answer (`$lib/proposal-version`); it never
 * writes and sets no awareness. Reconnects like the provider does, and at once when the page
 * comes back (WeChat freezes background tabs).
 */
export class ProposalWatch {
	status = $state<ProposalStatus>('connecting');
	/** True once the proposal differs from the rendered one (stays true). */
	changed = $state(false);

	readonly #url: string;
	readonly #stateVector: Uint8Array;
	readonly #unchanged: Uint8Array;
	#ws: WebSocket | null = null;
	#destroyed = false;
	#synced = false;
	#attempts = 0;
	#retry: ReturnType<typeof setTimeout> | null = null;
	#probe: ReturnType<typeof setTimeout> | null = null;
	#lastMessageAt = 0;
	#connectingSince = 0;
	#stopWatching: () => void;

	constructor(docName: string, version: { stateVector: Uint8Array; unchanged: Uint8Array }) {
		const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
		// The same address y-websocket's provider opens (`<serverUrl>/<room>`).
		this.#url = `${scheme}://${location.host}/yjs/${docName}`;
		this.#stateVector = version.stateVector;
		this.#unchanged = version.unchanged;
		this.#stopWatching = watchResume(this.#resume);
		window.addEventListener('offline', this.#onOffline);
		this.#connect();
	}

	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#stopWatching();
		window.removeEventListener('offline', this.#onOffline);
		this.#clearTimers();
		this.#close();
	}

	#connect() {
		if (this.#destroyed || this.changed) return;
		const ws = new WebSocket(this.#url);
		ws.binaryType = 'arraybuffer';
		this.#ws = ws;
		this.#connectingSince = Date.now();
		ws.onopen = () => {
			this.#attempts = 0;
			const frame = [MESSAGE_SYNC, SYNC_STEP_1];
			writeUint(frame, this.#stateVector.length);
			ws.send(new Uint8Array([...frame, ...this.#stateVector]));
		};
		ws.onmessage = (event: MessageEvent<ArrayBuffer>) => {
			this.#lastMessageAt = Date.now();
			this.#read(new Uint8Array(event.data));
		};
		ws.onclose = () => {
			if (this.#ws !== ws) return;
			this.#ws = null;
			this.#clearProbe();
			if (this.#destroyed || this.changed) return;
			this.status = this.#waitingStatus();
			const delay = Math.min(100 * 2 ** this.#attempts++, MAX_BACKOFF_MS);
			this.#retry = setTimeout(() => {
				this.#retry = null;
				this.#connect();
			}, delay);
		};
	}

	#read(frame: Uint8Array) {
		try {
			const at = { i: 0 };
			if (readUint(frame, at) !== MESSAGE_SYNC) return;
			const step = readUint(frame, at);
			if (step === SYNC_UPDATE) return this.#change();
			if (step !== SYNC_STEP_2) return;
			const length = readUint(frame, at);
			const update = frame.subarray(at.i, at.i + length);
			if (!unchangedSince(this.#unchanged, update)) return this.#change();
			this.#synced = true;
			this.status = 'synced';
		} catch {
			// A frame this does not read: the live reader takes over rather than guessing.
			this.#change();
		}
	}

	#change() {
		this.changed = true;
		this.#clearTimers();
		this.#close();
	}

	#close() {
		const ws = this.#ws;
		this.#ws = null;
		ws?.close();
	}

	#onOffline = () => {
		if (!this.#ws || this.#ws.readyState !== WebSocket.OPEN) this.status = 'offline';
	};

	/** Back from a frozen tab or a dead network: skip the backoff, or probe an open socket. */
	#resume = () => {
		if (this.#destroyed || this.changed) return;
		const ws = this.#ws;
		if (!ws) {
			this.#clearTimers();
			return this.#connect();
		}
		if (ws.readyState === WebSocket.CONNECTING) {
			if (Date.now() - this.#connectingSince > STUCK_CONNECT_MS) this.#replace();
			return;
		}
		if (ws.readyState !== WebSocket.OPEN || this.#probe) return;
		const sentAt = Date.now();
		ws.send(QUERY_AWARENESS);
		this.#probe = setTimeout(() => {
			this.#probe = null;
			if (this.#ws === ws && this.#lastMessageAt < sentAt) this.#replace();
		}, PROBE_TIMEOUT_MS);
	};

	/** A socket that looks open (or connecting) and is dead: its close may never come. */
	#replace() {
		this.status = this.#waitingStatus();
		this.#clearTimers();
		this.#close();
		this.#connect();
	}

	#waitingStatus(): ProposalStatus {
		if (navigator.onLine === false) return 'offline';
		return this.#synced ? 'reconnecting' : 'connecting';
	}

	#clearProbe() {
		if (this.#probe) clearTimeout(this.#probe);
		this.#probe = null;
	}

	#clearTimers() {
		this.#clearProbe();
		if (this.#retry) clearTimeout(this.#retry);
		this.#retry = null;
	}
}
