import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { Coalescer } from './coalesce';
import { createLocalDocBus, type DocBus } from './doc-bus';
import {
	BUS_AWARENESS,
	BUS_SYNC_ANSWER,
	BUS_SYNC_REQUEST,
	BUS_UPDATE,
	decodeBusMessage,
	encodeBusMessage,
	type BusMessage
} from './doc-bus-messages';
import type { DocPersistence } from './doc-persistence';

/**
 * A y-websocket protocol server (the wire format of y-websocket's WebsocketProvider):
 * every frame is varUint(messageType) + payload.
 */
export const messageSync = 0;
export const messageAwareness = 1;
export const messageQueryAwareness = 3;

/** Transaction origin of state replayed from storage: neither persisted again nor broadcast. */
export const LOAD_ORIGIN = Symbol('yishi:yjs-load');
/** Transaction origin of the server's own edits (`DocServer.edit`): broadcast to everyone. */
export const SERVER_EDIT = Symbol('yishi:yjs-server-edit');

/**
 * Transaction origin of what another node's clients wrote (from the bus) or what the store held
 * that this copy lacked (catch-up): relayed to this node's sockets, but neither persisted (its
 * writer is the node its client reached) nor published again (every node hears the original).
 */
export class RemoteOrigin {
	constructor(
		/** An edit (with its author) rather than a catch-up diff: proposal checkpoints count it. */
		readonly edit: boolean,
		readonly author?: string
	) {}
}
/** Awareness origin of states announced by other nodes' clients. */
const REMOTE_AWARENESS = Symbol('yishi:yjs-remote-awareness');

export interface DocAccess {
	canWrite: boolean;
	/** Who writes through this connection (a display name), for "who wrote what". */
	author?: string;
}

export interface DocServer {
	/** Takes an upgraded ws connection for a document. */
	accept(ws: WebSocket, docName: string, access: DocAccess): void;
	/** Persists everything pending. */
	flush(): Promise<void>;
	/** Flushes, closes every socket (1001) and unloads every doc. */
	close(): Promise<void>;
	/**
	 * Closes every connection of a document (e.g. its session closed, so write access
	 * changed); providers reconnect and are authorized afresh.
	 */
	disconnect(docName: string, code: number, reason: string): void;
	/** The document's current state: the live copy when loaded, else what is stored. */
	state(docName: string): Promise<Uint8Array>;
	/**
	 * A change made by the server itself (a merged amendment): applied to the live copy in one
	 * transaction, so it is broadcast and persisted exactly like a client's edit, and flushed
	 * before this resolves. Loads the document first when nobody has it open.
	 */
	edit<T>(docName: string, change: (doc: Y.Doc) => T): Promise<T>;
	/**
	 * What is stored (this node's queued edits written first) merged with the live copy when
	 * loaded: every node's edits that reached a store or this node. Proposal checkpoints use it.
	 */
	mergedState(docName: string): Promise<Uint8Array>;
	/** `awarenessClients`: awareness client ids remembered (present, or departed < 2 pings ago). */
	stats(): { docs: number; connections: number; awarenessClients: number };
}

export interface DocServerOptions {
	persistence: DocPersistence;
	/** The channel to the other nodes (`doc-bus.ts`); default in-process (a single node). */
	bus?: DocBus;
	log: Logger;
	/** How long a doc stays in memory after its last connection leaves. */
	unloadDelayMs?: number;
	/** Ping period; a socket that did not answer the previous ping is terminated. */
	pingIntervalMs?: number;
	/** Called after a client's edit was applied (proposal checkpoints). */
	onEdit?: (docName: string, author: string | undefined) => void;
}

/**
 * Awareness goes out per document at most every 50 ms (a burst of cursor moves is one frame)
 * and a mere renewal — the same state re-announced every 15 s so it does not time out after
 * 30 s — at most every 5 s: a room of passive editors no longer costs N renewals × N sockets.
 */
export const AWARENESS_CHANGE_MS = 50;
export const AWARENESS_RENEW_MS = 5_000;

/** Close codes (RFC 6455 §7.4.1). */
const CLOSE_GOING_AWAY = 1001;
const CLOSE_UNSUPPORTED = 1003;
const CLOSE_INVALID = 1007;
const CLOSE_TRY_LATER = 1013;

/** Frames a connection may send while its doc loads; a flood beyond this is not a client. */
const MAX_FRAMES_WHILE_LOADING = 1_000;
/** A socket that cannot drain this much (a frozen WeChat tab) is dropped, not buffered forever. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** One socket; also the Yjs transaction / awareness origin of what it sends. */
class Conn {
	alive = true;
	/** Awareness client ids this connection announced; removed when it closes. */
	readonly clientIds = new Set<number>();
	/** Frames received before the doc finished loading, replayed in order afterwards. */
	pending: Uint8Array[] | null = [];
	constructor(
		readonly ws: WebSocket,
		readonly canWrite: boolean,
		readonly author?: string
	) {}
}

interface LiveDoc {
	name: string;
	doc: Y.Doc;
	awareness: awarenessProtocol.Awareness;
	conns: Set<Conn>;
	/** Awareness client ids to relay on the next change tick / renewal tick. */
	awarenessChanged: Set<number>;
	awarenessRenewed: Set<number>;
	/** Client ids without a state at the last ping: forgotten at the next (`forgetDeparted`). */
	departed: Set<number>;
	/** Awareness client ids announced by this node's sockets: the ones it publishes. */
	localIds: Set<number>;
	/** Ends the bus subscription (set once subscribed). */
	unsubscribe: (() => Promise<void>) | null;
	loaded: boolean;
	/** Settles when the stored state was applied (or the load failed: then `loaded` stays false). */
	ready: Promise<void>;
	unloadTimer: ReturnType<typeof setTimeout> | null;
}

class ProtocolError extends Error {
	constructor(
		readonly code: number,
		message: string
	) {
		super(message);
	}
}

function toBytes(data: RawData): Uint8Array {
	if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
	// Copied: a ws Buffer may be a view into a larger socket chunk. lib0 bounds-checks its
	// reads, but an exact-size array keeps any decoder from ever seeing a neighbour's bytes.
	return new Uint8Array(data);
}

function frame(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, type);
	write(encoder);
	return encoding.toUint8Array(encoder);
}

export function createDocServer(options: DocServerOptions): DocServer {
	const { persistence, log } = options;
	const bus = options.bus ?? createLocalDocBus();
	const unloadDelayMs = options.unloadDelayMs ?? 5_000;
	const docs = new Map<string, LiveDoc>();
	let closing = false;

	/** One frame with the states of `ids`, encoded once, to every connection of the doc. */
	const relayAwareness = (name: string, which: 'awarenessChanged' | 'awarenessRenewed') => {
		const live = docs.get(name);
		if (!live) return;
		const ids = [...live[which]].filter((id) => live.awareness.meta.has(id));
		live[which].clear();
		if (ids.length === 0) return;
		const message = frame(messageAwareness, (e) =>
			encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(live.awareness, ids))
		);
		// Sent to the sender too, like y-websocket's own server: the provider treats 30 s
		// without any message as a dead link, and its own echo is what a lone editor gets.
		for (const conn of live.conns) if (conn.pending === null) send(conn, message);
		// Our clients' share goes to the other nodes (theirs came from there).
		const mine = ids.filter((id) => live.localIds.has(id));
		if (mine.length > 0) {
			publish(live, {
				type: BUS_AWARENESS,
				update: awarenessProtocol.encodeAwarenessUpdate(live.awareness, mine)
			});
		}
		for (const id of mine) if (!live.awareness.states.has(id)) live.localIds.delete(id);
	};

	const publish = (live: LiveDoc, message: BusMessage) =>
		bus.publish(live.name, encodeBusMessage(message));

	/** Another node's message for a document loaded here. Never throws. */
	const onBusMessage = (live: LiveDoc, bytes: Uint8Array) => {
		if (docs.get(live.name) !== live) return;
		try {
			const message = decodeBusMessage(bytes);
			switch (message.type) {
				case BUS_UPDATE:
					Y.applyUpdate(live.doc, message.update, new RemoteOrigin(true, message.author));
					break;
				case BUS_SYNC_ANSWER:
					Y.applyUpdate(live.doc, message.update, new RemoteOrigin(false));
					break;
				case BUS_AWARENESS:
					awarenessProtocol.applyAwarenessUpdate(live.awareness, message.update, REMOTE_AWARENESS);
					break;
				case BUS_SYNC_REQUEST:
					// Not loaded yet: we hold nothing the asker lacks, and our own request follows.
					if (live.loaded) answerSyncRequest(live, message.stateVector, message.answerOnly);
					break;
			}
		} catch (error) {
			log.warn({ err: error, docName: live.name }, 'doc bus message rejected');
		}
	};

	const answerSyncRequest = (live: LiveDoc, stateVector: Uint8Array, answerOnly: boolean) => {
		publish(live, { type: BUS_SYNC_ANSWER, update: Y.encodeStateAsUpdate(live.doc, stateVector) });
		const present = [...live.localIds].filter((id) => live.awareness.states.has(id));
		if (present.length > 0) {
			publish(live, {
				type: BUS_AWARENESS,
				update: awarenessProtocol.encodeAwarenessUpdate(live.awareness, present)
			});
		}
		if (!answerOnly) requestSync(live, true);
	};

	const requestSync = (live: LiveDoc, answerOnly: boolean) =>
		publish(live, {
			type: BUS_SYNC_REQUEST,
			answerOnly,
			stateVector: Y.encodeStateVector(live.doc)
		});

	/**
	 * After a loss of the bus: what other nodes wrote meanwhile is in the store (each writes
	 * its own clients' edits) or in their live copies (the state-vector exchange); the diff
	 * against our copy reaches our sockets through the update handler.
	 */
	const catchUp = async (live: LiveDoc) => {
		if (!live.loaded || docs.get(live.name) !== live) return;
		try {
			const stored = await persistence.load(live.name);
			if (stored && docs.get(live.name) === live) {
				Y.applyUpdate(live.doc, stored, new RemoteOrigin(false));
			}
		} catch (error) {
			log.warn({ err: error, docName: live.name }, 'yjs catch-up from the store failed');
		}
		if (docs.get(live.name) === live) requestSync(live, false);
	};
	const stopCatchUp = bus.onReconnect(() => {
		for (const live of docs.values()) void catchUp(live);
	});
	const awarenessChanges = new Coalescer(AWARENESS_CHANGE_MS, (name) =>
		relayAwareness(name, 'awarenessChanged')
	);
	const awarenessRenewals = new Coalescer(AWARENESS_RENEW_MS, (name) =>
		relayAwareness(name, 'awarenessRenewed')
	);

	const send = (conn: Conn, message: Uint8Array) => {
		const { ws } = conn;
		if (ws.readyState !== ws.OPEN) return;
		if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
			log.warn({ bufferedAmount: ws.bufferedAmount }, 'yjs socket not draining; terminated');
			ws.terminate();
			return;
		}
		ws.send(message, (error) => {
			if (error) log.debug({ err: error }, 'yjs send failed');
		});
	};

	const closeConn = (conn: Conn, code: number, reason: string) => {
		try {
			conn.ws.close(code, reason);
		} catch (error) {
			log.debug({ err: error }, 'yjs close failed; terminating');
			conn.ws.terminate();
		}
	};

	const openDoc = (name: string): LiveDoc => {
		const doc = new Y.Doc({ gc: true });
		const awareness = new awarenessProtocol.Awareness(doc);
		// The server is not a participant: without this it would show up as an empty cursor.
		awareness.setLocalState(null);
		const live: LiveDoc = {
			name,
			doc,
			awareness,
			conns: new Set(),
			awarenessChanged: new Set(),
			awarenessRenewed: new Set(),
			departed: new Set(),
			localIds: new Set(),
			unsubscribe: null,
			loaded: false,
			ready: Promise.resolve(),
			unloadTimer: null
		};

		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === LOAD_ORIGIN) return;
			// Encoded once, sent to every other connection (ARCHITECTURE rule 6).
			const message = frame(messageSync, (e) => syncProtocol.writeUpdate(e, update));
			for (const conn of live.conns)
				if (conn !== origin && conn.pending === null) send(conn, message);
			if (origin instanceof RemoteOrigin) {
				if (origin.edit) options.onEdit?.(name, origin.author);
				return;
			}
			// This node's client wrote it: this node alone stores it and tells the others.
			persistence.enqueue(name, update);
			const author = origin instanceof Conn ? origin.author : undefined;
			publish(live, { type: BUS_UPDATE, author, update });
			if (live.loaded) void persistence.compactIfDue(name);
			if (origin instanceof Conn) options.onEdit?.(name, origin.author);
		});

		type AwarenessEvent = { added: number[]; updated: number[]; removed: number[] };
		// 'change' (a state added, changed or removed) comes before 'update' (the same, plus
		// renewals of unchanged states) for one applied message.
		awareness.on('change', ({ added, updated, removed }: AwarenessEvent, origin: unknown) => {
			if (origin instanceof Conn) {
				for (const id of added) {
					origin.clientIds.add(id);
					live.localIds.add(id);
				}
				for (const id of removed) origin.clientIds.delete(id);
			}
			for (const id of [...added, ...updated, ...removed]) {
				live.awarenessChanged.add(id);
				live.awarenessRenewed.delete(id);
			}
			awarenessChanges.mark(name);
		});
		awareness.on('update', ({ updated }: AwarenessEvent) => {
			let renewed = false;
			for (const id of updated) {
				if (live.awarenessChanged.has(id)) continue;
				live.awarenessRenewed.add(id);
				renewed = true;
			}
			if (renewed) awarenessRenewals.mark(name);
		});

		docs.set(name, live);
		// Subscribed BEFORE the load: an edit another node makes meanwhile is either in the rows
		// we read or arrives on the bus (both, at worst: Yjs applies it once).
		live.ready = bus
			.subscribe(name, (bytes) => onBusMessage(live, bytes))
			.then((unsubscribe) => {
				if (docs.get(name) === live) live.unsubscribe = unsubscribe;
				else void unsubscribe();
			})
			.then(() => persistence.load(name))
			.then((state) => {
				if (state) Y.applyUpdate(doc, state, LOAD_ORIGIN);
				live.loaded = true;
				// What other nodes accepted but have not stored yet (≤ their flush window).
				requestSync(live, false);
				// Everyone is handshaken before anyone's queued frames run, so the updates those
				// frames cause are broadcast to every connection of the doc.
				const queues = [...live.conns].map((conn) => [conn, start(live, conn)] as const);
				for (const [conn, queued] of queues) for (const data of queued) handle(live, conn, data);
			})
			.catch((error: unknown) => {
				log.error({ err: error, docName: name }, 'yjs doc load failed');
				if (docs.get(name) === live) docs.delete(name);
				for (const conn of live.conns) closeConn(conn, CLOSE_TRY_LATER, 'load failed');
				live.conns.clear();
				destroyDoc(live);
			});
		return live;
	};

	const destroyDoc = (live: LiveDoc) => {
		if (live.unloadTimer) clearTimeout(live.unloadTimer);
		const unsubscribe = live.unsubscribe;
		live.unsubscribe = null;
		unsubscribe?.().catch((error: unknown) =>
			log.debug({ err: error }, 'doc bus unsubscribe failed')
		);
		live.awareness.destroy();
		live.doc.destroy();
	};

	/**
	 * Opening handshake once the doc is loaded: sync step 1, then who is here (as y-websocket's
	 * server does). Answers the frames that arrived during the load, for the caller to replay.
	 */
	const start = (live: LiveDoc, conn: Conn): Uint8Array[] => {
		const queued = conn.pending ?? [];
		conn.pending = null;
		send(
			conn,
			frame(messageSync, (e) => syncProtocol.writeSyncStep1(e, live.doc))
		);
		const states = live.awareness.getStates();
		if (states.size > 0) {
			send(
				conn,
				frame(messageAwareness, (e) =>
					encoding.writeVarUint8Array(
						e,
						awarenessProtocol.encodeAwarenessUpdate(live.awareness, [...states.keys()])
					)
				)
			);
		}
		return queued;
	};

	/** Every frame goes through here; nothing a client sends may throw past it (y-websocket #82). */
	const handle = (live: LiveDoc, conn: Conn, data: Uint8Array) => {
		try {
			const reply = readMessage(live, conn, data);
			if (reply) send(conn, reply);
		} catch (error) {
			const code = error instanceof ProtocolError ? error.code : CLOSE_INVALID;
			log.warn(
				{ err: error, docName: live.name, bytes: data.byteLength, code },
				'yjs frame rejected'
			);
			closeConn(conn, code, 'malformed message');
		}
	};

	const readMessage = (live: LiveDoc, conn: Conn, data: Uint8Array): Uint8Array | null => {
		const decoder = decoding.createDecoder(data);
		const type = decoding.readVarUint(decoder);
		switch (type) {
			case messageSync:
				return readSync(live, conn, decoder);
			case messageAwareness: {
				const update = decoding.readVarUint8Array(decoder);
				if (conn.canWrite) {
					awarenessProtocol.applyAwarenessUpdate(live.awareness, update, conn);
					return null;
				}
				// Read-only: never applied, never relayed. Echoed to its sender alone so that a
				// lone observer still hears something within the provider's 30 s timeout.
				return data;
			}
			case messageQueryAwareness:
				return frame(messageAwareness, (e) =>
					encoding.writeVarUint8Array(
						e,
						awarenessProtocol.encodeAwarenessUpdate(live.awareness, [
							...live.awareness.getStates().keys()
						])
					)
				);
			default:
				throw new ProtocolError(CLOSE_UNSUPPORTED, `unknown message type ${type}`);
		}
	};

	/** y-protocols/sync, re-implemented so that bad updates throw (readSyncStep2 swallows). */
	const readSync = (live: LiveDoc, conn: Conn, decoder: decoding.Decoder): Uint8Array | null => {
		const syncType = decoding.readVarUint(decoder);
		switch (syncType) {
			case syncProtocol.messageYjsSyncStep1: {
				const stateVector = decoding.readVarUint8Array(decoder);
				const update = Y.encodeStateAsUpdate(live.doc, stateVector);
				return frame(messageSync, (e) => {
					encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
					encoding.writeVarUint8Array(e, update);
				});
			}
			case syncProtocol.messageYjsSyncStep2:
			case syncProtocol.messageYjsUpdate: {
				const update = decoding.readVarUint8Array(decoder);
				// Read-only connections: their writes are dropped, silently (REFERENCE.md §3).
				if (conn.canWrite) Y.applyUpdate(live.doc, update, conn);
				return null;
			}
			default:
				throw new ProtocolError(CLOSE_UNSUPPORTED, `unknown sync message ${syncType}`);
		}
	};

	const scheduleUnload = (live: LiveDoc) => {
		if (live.unloadTimer || closing) return;
		live.unloadTimer = setTimeout(() => {
			live.unloadTimer = null;
			void unload(live);
		}, unloadDelayMs);
	};

	/**
	 * Writes what this copy holds and the store lacks. Normally nothing: each edit is stored by
	 * the node its client reached. But when that node died before its flush, the edits it had
	 * relayed live on only here (and in clients, which resend them when they reconnect).
	 */
	const storeWhatOnlyWeHold = async (live: LiveDoc) => {
		if (!live.loaded) return;
		const stored = await persistence.load(live.name);
		const storedVector = stored ? Y.encodeStateVectorFromUpdate(stored) : new Uint8Array([0]);
		const ours = Y.decodeStateVector(Y.encodeStateVector(live.doc));
		const theirs = Y.decodeStateVector(storedVector);
		const missing = [...ours].some(([client, clock]) => (theirs.get(client) ?? 0) < clock);
		if (!missing) return;
		persistence.enqueue(live.name, Y.encodeStateAsUpdate(live.doc, storedVector));
		log.info({ docName: live.name }, 'yjs stored edits only this node still held');
	};

	const unload = async (live: LiveDoc) => {
		if (live.conns.size > 0 || docs.get(live.name) !== live) return;
		try {
			await storeWhatOnlyWeHold(live);
			await persistence.flush(live.name);
		} catch (error) {
			// Still queued inside persistence and retried; a reload merges the queue back in.
			log.warn({ err: error, docName: live.name }, 'yjs final flush failed; left queued');
		}
		// Compaction folds what is stored, not this copy: safe whether or not the load finished.
		await persistence.compactIfDue(live.name);
		// Someone may have reconnected while we were writing: they keep this doc.
		if (live.conns.size > 0 || docs.get(live.name) !== live) return;
		docs.delete(live.name);
		destroyDoc(live);
		persistence.release(live.name);
		log.debug({ docName: live.name }, 'yjs doc unloaded');
	};

	const drop = (live: LiveDoc, conn: Conn) => {
		if (!live.conns.delete(conn)) return;
		if (conn.clientIds.size > 0) {
			awarenessProtocol.removeAwarenessStates(live.awareness, [...conn.clientIds], null);
		}
		if (live.conns.size === 0) scheduleUnload(live);
	};

	/**
	 * y-protocols keeps the clock of every client id it has seen (`Awareness.meta`), removed ones
	 * included, and each page load or reconnect is a new id: a doc open all day would grow by an
	 * entry per reconnect (the bench's churn run: one Object and one HeapNumber each) and the
	 * awareness timeout check walks them all every 3 s. An id still without a state one ping
	 * after it was seen without one — its removal long relayed, its socket gone — is forgotten;
	 * should it come back, its next update is taken as a new client's, as it is anyway.
	 */
	const forgetDeparted = (live: LiveDoc) => {
		const { meta, states } = live.awareness;
		const gone = new Set<number>();
		for (const id of meta.keys()) {
			if (states.has(id) || id === live.awareness.clientID || live.awarenessChanged.has(id))
				continue;
			if (live.departed.has(id)) meta.delete(id);
			else gone.add(id);
		}
		live.departed = gone;
	};

	const pingTimer = setInterval(() => {
		for (const live of docs.values()) {
			forgetDeparted(live);
			for (const conn of live.conns) {
				if (!conn.alive) {
					conn.ws.terminate();
					continue;
				}
				conn.alive = false;
				try {
					conn.ws.ping();
				} catch (error) {
					log.debug({ err: error }, 'yjs ping failed');
				}
			}
		}
	}, options.pingIntervalMs ?? 30_000);
	pingTimer.unref();

	return {
		accept(ws, docName, access) {
			if (closing) {
				ws.close(CLOSE_GOING_AWAY, 'server shutting down');
				return;
			}
			const live = docs.get(docName) ?? openDoc(docName);
			if (live.unloadTimer) {
				clearTimeout(live.unloadTimer);
				live.unloadTimer = null;
			}
			const conn = new Conn(ws, access.canWrite, access.author);
			live.conns.add(conn);
			ws.on('pong', () => {
				conn.alive = true;
			});
			ws.on('error', (error) => {
				// ws emits 'error' then 'close' (e.g. 1009 on an oversized frame); never unhandled.
				log.warn({ err: error, docName }, 'yjs socket error');
			});
			ws.on('close', () => drop(live, conn));
			ws.on('message', (data, isBinary) => {
				if (closing) return;
				conn.alive = true;
				if (!isBinary) {
					closeConn(conn, CLOSE_UNSUPPORTED, 'binary frames only');
					return;
				}
				const bytes = toBytes(data);
				if (conn.pending === null) {
					handle(live, conn, bytes);
				} else if (conn.pending.push(bytes) > MAX_FRAMES_WHILE_LOADING) {
					closeConn(conn, CLOSE_TRY_LATER, 'too many frames while loading');
				}
			});
			if (live.loaded) start(live, conn); // nothing can be queued yet
		},

		flush: () => persistence.flush(),

		async close() {
			closing = true;
			stopCatchUp();
			clearInterval(pingTimer);
			awarenessChanges.cancelAll();
			awarenessRenewals.cancelAll();
			try {
				await persistence.flush();
			} catch (error) {
				log.error({ err: error }, 'yjs flush at shutdown failed');
			}
			for (const live of docs.values()) {
				for (const conn of live.conns) closeConn(conn, CLOSE_GOING_AWAY, 'server shutting down');
				live.conns.clear();
				destroyDoc(live);
				persistence.release(live.name);
			}
			docs.clear();
		},

		async state(docName) {
			const live = docs.get(docName);
			if (live?.loaded) return Y.encodeStateAsUpdate(live.doc);
			return (await persistence.load(docName)) ?? Y.encodeStateAsUpdate(new Y.Doc());
		},

		async edit(docName, change) {
			if (closing) throw new Error('server shutting down');
			const live = docs.get(docName) ?? openDoc(docName);
			await live.ready;
			if (!live.loaded) throw new Error(`document ${docName} could not be loaded`);
			let result!: ReturnType<typeof change>;
			live.doc.transact(() => {
				result = change(live.doc);
			}, SERVER_EDIT);
			if (live.conns.size === 0) scheduleUnload(live);
			await persistence.flush(docName);
			return result;
		},
		async mergedState(docName) {
			const stored = await persistence.load(docName);
			const live = docs.get(docName);
			const parts = [stored, live?.loaded ? Y.encodeStateAsUpdate(live.doc) : null].filter(
				(part): part is Uint8Array => part !== null
			);
			if (parts.length === 0) return Y.encodeStateAsUpdate(new Y.Doc());
			return parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
		},

		disconnect(docName, code, reason) {
			const live = docs.get(docName);
			if (!live) return;
			for (const conn of [...live.conns]) closeConn(conn, code, reason);
		},

		stats() {
			let connections = 0;
			let awarenessClients = 0;
			for (const live of docs.values()) {
				connections += live.conns.size;
				awarenessClients += live.awareness.meta.size;
			}
			return { docs: docs.size, connections, awarenessClients };
		}
	};
}
