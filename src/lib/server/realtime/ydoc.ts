import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { Coalescer } from './coalesce';
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
	/** `awarenessClients`: awareness client ids remembered (present, or departed < 2 pings ago). */
	stats(): { docs: number; connections: number; awarenessClients: number };
}

export interface DocServerOptions {
	persistence: DocPersistence;
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
	loaded: boolean;
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
	};
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
			loaded: false,
			unloadTimer: null
		};

		doc.on('update', (update: Uint8Array, origin: unknown) => {
			if (origin === LOAD_ORIGIN) return;
			// Encoded once, sent to every other connection (ARCHITECTURE rule 6).
			const message = frame(messageSync, (e) => syncProtocol.writeUpdate(e, update));
			for (const conn of live.conns)
				if (conn !== origin && conn.pending === null) send(conn, message);
			persistence.enqueue(name, update);
			if (live.loaded) void persistence.compactIfDue(name, doc);
			if (origin instanceof Conn) options.onEdit?.(name, origin.author);
		});

		type AwarenessEvent = { added: number[]; updated: number[]; removed: number[] };
		// 'change' (a state added, changed or removed) comes before 'update' (the same, plus
		// renewals of unchanged states) for one applied message.
		awareness.on('change', ({ added, updated, removed }: AwarenessEvent, origin: unknown) => {
			if (origin instanceof Conn) {
				for (const id of added) origin.clientIds.add(id);
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
		persistence
			.load(name)
			.then((state) => {
				if (state) Y.applyUpdate(doc, state, LOAD_ORIGIN);
				live.loaded = true;
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

	const unload = async (live: LiveDoc) => {
		if (live.conns.size > 0 || docs.get(live.name) !== live) return;
		try {
			await persistence.flush(live.name);
		} catch (error) {
			// Still queued inside persistence and retried; a reload merges the queue back in.
			log.warn({ err: error, docName: live.name }, 'yjs final flush failed; left queued');
		}
		// Never compact a doc whose load has not finished: its (empty) state would replace the
		// stored snapshot and the rows it covers would be deleted.
		if (live.loaded) await persistence.compactIfDue(live.name, live.doc);
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
