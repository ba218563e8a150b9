import { WebsocketProvider } from 'y-websocket';
import { Awareness, removeAwarenessStates } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { PROPOSAL_FRAGMENT } from '$lib/protocol';
import { watchResume } from './room.svelte';

export type ProposalStatus = 'connecting' | 'synced' | 'reconnecting' | 'offline';

/** What other editors see next to this person's cursor. */
export interface ProposalUser {
	name: string;
	color: string;
}

/** y-websocket's message type asking the server for everyone's awareness: a cheap echo. */
const QUERY_AWARENESS = new Uint8Array([3]);
/** A thawed socket that does not answer a probe in this time is replaced. */
const PROBE_TIMEOUT_MS = 4_000;
/** A connect attempt older than this when the page comes back is assumed stuck. */
const STUCK_CONNECT_MS = 4_000;

const browserOffline = () => navigator.onLine === false;

/**
 * One proposal document (`/yjs/<docName>`, REFERENCE.md §3): the Y.Doc, its provider and the
 * awareness of who edits it. The editor component reads `fragment`, `awareness`, `status` and
 * `synced`; it never touches the socket.
 *
 * `synced` turns true at the first full sync and stays true: the local doc keeps the text (and
 * any edit made while away, which the next sync sends) through reconnects. `status` is the
 * link right now.
 */
export class ProposalConnection {
	status = $state<ProposalStatus>('connecting');
	synced = $state(false);

	readonly docName: string;
	readonly canWrite: boolean;
	readonly doc = new Y.Doc();
	readonly fragment: Y.XmlFragment;
	readonly awareness: Awareness;
	readonly provider: WebsocketProvider;

	#destroyed = false;
	#connectingSince = 0;
	#probeTimer: ReturnType<typeof setTimeout> | null = null;
	#stopWatching: () => void;

	constructor(docName: string, user: ProposalUser, canWrite: boolean) {
		this.docName = docName;
		this.canWrite = canWrite;
		this.fragment = this.doc.getXmlFragment(PROPOSAL_FRAGMENT);
		this.awareness = new Awareness(this.doc);
		// Awareness only for people who can edit (ARCHITECTURE rule 6): readers show no cursor.
		// Their empty state stays so the server's echo keeps a lone reader's link alive.
		if (canWrite) this.awareness.setLocalStateField('user', { name: user.name, color: user.color });

		const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
		this.#connectingSince = Date.now();
		this.provider = new WebsocketProvider(`${scheme}://${location.host}/yjs`, docName, this.doc, {
			connect: true,
			awareness: this.awareness,
			// Tabs of one browser sync through the server, the only authority on who may write.
			disableBc: true
		});
		this.provider.on('status', this.#onStatus);
		this.provider.on('sync', this.#onSync);
		window.addEventListener('offline', this.#onOffline);
		this.#stopWatching = watchResume(this.#resume);
	}

	/** Tells the others this person left, closes the socket and frees the document. */
	destroy(): void {
		if (this.#destroyed) return;
		this.#destroyed = true;
		this.#clearProbe();
		this.#stopWatching();
		window.removeEventListener('offline', this.#onOffline);
		this.provider.off('status', this.#onStatus);
		this.provider.off('sync', this.#onSync);
		removeAwarenessStates(this.awareness, [this.doc.clientID], 'destroy');
		this.provider.destroy();
		this.awareness.destroy();
		this.doc.destroy();
	}

	#onStatus = ({ status }: { status: 'connected' | 'disconnected' | 'connecting' }) => {
		if (status === 'connecting') this.#connectingSince = Date.now();
		// 'connected' is not yet useful: the document is live once the sync answer arrived.
		if (status !== 'connected') this.status = this.#waitingStatus();
	};

	#onSync = (isSynced: boolean) => {
		if (!isSynced) return;
		this.synced = true;
		this.status = 'synced';
	};

	#onOffline = () => {
		if (!this.provider.wsconnected) this.status = 'offline';
	};

	/** Back from a frozen tab or a dead network: skip the provider's backoff, or probe. */
	#resume = () => {
		const provider = this.provider;
		if (this.#destroyed || !provider.shouldConnect) return;
		if (provider.wsconnected) return this.#probe();
		if (provider.ws === null) return provider.connect();
		if (Date.now() - this.#connectingSince > STUCK_CONNECT_MS) this.#restart();
	};

	/** A thawed socket can look open and be dead; the server answers this query at once. */
	#probe() {
		const ws = this.provider.ws;
		if (!ws || ws.readyState !== ws.OPEN || this.#probeTimer) return;
		const sentAt = Date.now();
		ws.send(QUERY_AWARENESS);
		this.#probeTimer = setTimeout(() => {
			this.#probeTimer = null;
			if (!this.#destroyed && this.provider.wsLastMessageReceived < sentAt) this.#restart();
		}, PROBE_TIMEOUT_MS);
	}

	#restart() {
		this.status = this.#waitingStatus();
		this.provider.disconnect();
		this.provider.connect();
	}

	#waitingStatus(): ProposalStatus {
		if (browserOffline()) return 'offline';
		return this.synced ? 'reconnecting' : 'connecting';
	}

	#clearProbe() {
		if (this.#probeTimer) clearTimeout(this.#probeTimer);
		this.#probeTimer = null;
	}
}
