/**
 * The cross-node seam of the Yjs documents: one channel per document on which every node
 * publishes what its own clients sent (updates, awareness) and catch-up requests. Two
 * implementations with one contract (`doc-bus.spec.ts`): in-process (one node, or several
 * doc servers in one test process) and Redis pub/sub (several nodes).
 *
 * Pub/sub is at-most-once: a message published while a node is cut off from Redis never
 * reaches it. That is why `onReconnect` exists — the doc server then reloads from Postgres and
 * exchanges state vectors with its peers (see `realtime/ydoc.ts`); Postgres stays the truth.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { createClient } from 'redis';

export type DocBusListener = (message: Uint8Array) => void;

export interface DocBus {
	/**
	 * Delivers every message other buses publish on `docName` from the moment this resolves
	 * (the subscription is confirmed; while disconnected it resolves at once and the
	 * subscription is made on reconnect). Answers the unsubscribe function.
	 */
	subscribe(docName: string, listener: DocBusListener): Promise<() => Promise<void>>;
	/**
	 * Sends to the subscribers of `docName` on every OTHER bus — never back to this one's.
	 * Never throws; while disconnected the message is dropped (the reconnect catch-up covers it).
	 */
	publish(docName: string, message: Uint8Array): void;
	/** Called each time the bus is connected again after a loss: messages may have been missed. */
	onReconnect(listener: () => void): () => void;
	connected(): boolean;
	close(): Promise<void>;
}

type Listeners = Map<string, Set<DocBusListener>>;

function add(map: Listeners, docName: string, listener: DocBusListener) {
	let set = map.get(docName);
	if (!set) map.set(docName, (set = new Set()));
	set.add(listener);
}

function remove(map: Listeners, docName: string, listener: DocBusListener): boolean {
	const set = map.get(docName);
	if (!set?.delete(listener)) return false;
	if (set.size === 0) map.delete(docName);
	return true;
}

/** Calls each listener on its own: one that throws must not starve the others. */
function deliver(listeners: Iterable<DocBusListener>, message: Uint8Array, log?: Logger) {
	for (const listener of [...listeners]) {
		try {
			listener(message);
		} catch (error) {
			log?.error({ err: error }, 'doc bus listener failed');
		}
	}
}

/**
 * In-process buses sharing one hub: what one publishes, the others receive (each on a later
 * microtask, as a network would deliver it). `outage(true)` cuts every bus off until
 * `outage(false)`, which reconnects them — for tests of the catch-up.
 */
export interface LocalDocBusHub {
	bus(): DocBus;
	outage(down: boolean): void;
}

export function createLocalDocBusHub(): LocalDocBusHub {
	const members = new Set<{ listeners: Listeners; reconnect: Set<() => void> }>();
	let down = false;
	return {
		bus() {
			const self = { listeners: new Map() as Listeners, reconnect: new Set<() => void>() };
			members.add(self);
			return {
				async subscribe(docName, listener) {
					add(self.listeners, docName, listener);
					return async () => void remove(self.listeners, docName, listener);
				},
				publish(docName, message) {
					if (down) return;
					const copy = message.slice();
					for (const member of members) {
						if (member === self) continue;
						const set = member.listeners.get(docName);
						if (set) queueMicrotask(() => deliver(set, copy));
					}
				},
				onReconnect(listener) {
					self.reconnect.add(listener);
					return () => void self.reconnect.delete(listener);
				},
				connected: () => !down,
				async close() {
					members.delete(self);
					self.listeners.clear();
					self.reconnect.clear();
				}
			};
		},
		outage(next) {
			const wasDown = down;
			down = next;
			if (wasDown && !next) for (const m of members) for (const l of [...m.reconnect]) l();
		}
	};
}

/** One node on its own: nobody else subscribes, so nothing is ever delivered. */
export function createLocalDocBus(): DocBus {
	return createLocalDocBusHub().bus();
}

/**
 * The part of a node-redis (v4/v5) client the Redis bus uses: a publisher and a subscriber
 * (a subscribed connection can run nothing else). `@socket.io/redis-streams-adapter` takes the
 * same client, so a node may share its connection.
 */
export interface RedisPubClient {
	readonly isReady: boolean;
	publish(channel: string, message: Buffer): Promise<unknown>;
	on(event: 'ready' | 'end', listener: () => void): unknown;
	on(event: 'error', listener: (error: unknown) => void): unknown;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- node-redis' EventEmitter signature
	off(event: string, listener: (...args: any[]) => void): unknown;
}
export interface RedisSubClient extends RedisPubClient {
	subscribe(
		channel: string,
		listener: (message: Buffer, channel: Buffer) => unknown,
		bufferMode: true
	): Promise<void>;
	unsubscribe(
		channel: string,
		listener: (message: Buffer, channel: Buffer) => unknown,
		bufferMode: true
	): Promise<void>;
}

export interface RedisDocBusOptions {
	publisher: RedisPubClient;
	subscriber: RedisSubClient;
	log: Logger;
	/** Channel prefix; default `yishi:doc:`. */
	prefix?: string;
}

/** How long a node waits for Redis at start before it gives up (and exits). */
const START_TIMEOUT_MS = 10_000;

/** Bytes of the sender id every Redis message starts with (a node drops its own). */
const SENDER_BYTES = 8;

/**
 * Redis pub/sub, one channel per document (`yishi:doc:<docName>`). Messages carry the sending
 * bus' random id so that a node ignores its own echo. The subscriber client re-subscribes by
 * itself after a reconnect; `onReconnect` fires on its `ready` after a loss.
 */
export function createRedisDocBus(options: RedisDocBusOptions): DocBus {
	const { publisher, subscriber, log } = options;
	const prefix = options.prefix ?? 'yishi:doc:';
	const sender = randomBytes(SENDER_BYTES);
	const listeners: Listeners = new Map();
	const handlers = new Map<string, (message: Buffer) => void>();
	const reconnect = new Set<() => void>();
	let lost = false;
	let closed = false;

	const onError = (error: unknown) => {
		if (!lost) {
			log.warn({ err: error }, 'doc bus lost Redis; documents are local-only until it returns');
		}
		lost = true;
	};
	const onEnd = () => {
		lost = true;
	};
	// Caught up only once BOTH connections are back: a catch-up request published while the
	// publisher still reconnects would be dropped.
	const onReady = () => {
		if (!lost || closed || !publisher.isReady || !subscriber.isReady) return;
		lost = false;
		log.info('doc bus reconnected to Redis; catching up');
		for (const listener of [...reconnect]) {
			try {
				listener();
			} catch (error) {
				log.error({ err: error }, 'doc bus reconnect listener failed');
			}
		}
	};
	for (const client of [publisher, subscriber]) {
		client.on('error', onError);
		client.on('end', onEnd);
		client.on('ready', onReady);
	}

	const handlerFor = (docName: string) => (message: Buffer) => {
		if (message.byteLength < SENDER_BYTES || sender.equals(message.subarray(0, SENDER_BYTES))) {
			return;
		}
		const set = listeners.get(docName);
		if (set) deliver(set, new Uint8Array(message.subarray(SENDER_BYTES)), log);
	};

	return {
		async subscribe(docName, listener) {
			add(listeners, docName, listener);
			if (!handlers.has(docName)) {
				const handler = handlerFor(docName);
				handlers.set(docName, handler);
				const subscribed = subscriber.subscribe(prefix + docName, handler, true);
				// Cut off from Redis: the command waits in the client's queue until it reconnects;
				// the document opens now and catches up then.
				if (subscriber.isReady) await subscribed;
				else
					subscribed.catch((error: unknown) =>
						log.warn({ err: error, docName }, 'doc bus subscribe failed')
					);
			}
			return async () => {
				if (!remove(listeners, docName, listener) || listeners.has(docName)) return;
				const handler = handlers.get(docName);
				handlers.delete(docName);
				if (!handler || closed) return;
				await subscriber
					.unsubscribe(prefix + docName, handler, true)
					.catch((error: unknown) =>
						log.debug({ err: error, docName }, 'doc bus unsubscribe failed')
					);
			};
		},

		publish(docName, message) {
			if (closed || !publisher.isReady) return;
			const framed = Buffer.allocUnsafe(SENDER_BYTES + message.byteLength);
			sender.copy(framed, 0);
			framed.set(message, SENDER_BYTES);
			publisher.publish(prefix + docName, framed).catch((error: unknown) => {
				log.debug({ err: error, docName }, 'doc bus publish failed');
			});
		},

		onReconnect(listener) {
			reconnect.add(listener);
			return () => void reconnect.delete(listener);
		},

		connected: () => !closed && publisher.isReady && subscriber.isReady,

		async close() {
			closed = true;
			for (const client of [publisher, subscriber]) {
				client.off('error', onError);
				client.off('end', onEnd);
				client.off('ready', onReady);
			}
			for (const [docName, handler] of handlers) {
				await subscriber.unsubscribe(prefix + docName, handler, true).catch(() => {});
			}
			handlers.clear();
			listeners.clear();
			reconnect.clear();
		}
	};
}

/**
 * A Redis bus on connections of its own (`REDIS_URL`). A node that shares one Redis client
 * pair between its subsystems calls `createRedisDocBus` with those clients instead. Rejects
 * when Redis cannot be reached at start (the node must not come up half-clustered).
 */
/** node-redis throws when destroying a client that is closed already. */
function destroyQuietly(...clients: { destroy(): void }[]) {
	for (const client of clients) {
		try {
			client.destroy();
		} catch {
			// closed already
		}
	}
}

export async function connectRedisDocBus(url: string, log: Logger): Promise<DocBus> {
	const publisher = createClient({
		url,
		socket: {
			connectTimeout: 5_000,
			reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2_000)
		}
	});
	const subscriber = publisher.duplicate();
	// node-redis emits 'error' on every failed reconnect attempt; unhandled, that is a crash.
	for (const client of [publisher, subscriber]) {
		client.on('error', (error: unknown) => log.debug({ err: error }, 'doc bus redis error'));
	}
	let timer: ReturnType<typeof setTimeout> | undefined;
	try {
		await Promise.race([
			Promise.all([publisher.connect(), subscriber.connect()]),
			new Promise((_, reject) => {
				timer = setTimeout(
					() => reject(new Error(`cannot reach Redis at REDIS_URL (${url})`)),
					START_TIMEOUT_MS
				);
			})
		]);
	} catch (error) {
		destroyQuietly(publisher, subscriber);
		throw error;
	} finally {
		clearTimeout(timer);
	}
	const bus = createRedisDocBus({ publisher, subscriber, log });
	return {
		...bus,
		async close() {
			await bus.close();
			destroyQuietly(publisher, subscriber);
		}
	};
}
