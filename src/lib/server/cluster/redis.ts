/**
 * The node's connections to Redis (ioredis: both @socket.io/redis-streams-adapter and
 * rate-limiter-flexible take it as it is). One module owns them, so every part of the server
 * sees the same state: connected or not, and when it came back.
 *
 *   commands   — presence scripts, leases, the login limiter, bus publishing. No offline queue:
 *                while Redis is away a command fails at once, so callers fall back to local
 *                behaviour instead of waiting (rate-limiter-flexible's insurance limiter needs this).
 *   subscriber — the bus's pub/sub connection (ioredis subscribes again after a reconnect).
 *   adapter    — socket.io's Redis Streams adapter (queues while away: its stream reader resumes
 *                from its last offset, which is how it loses no packet).
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../log';

export interface RedisConnections {
	readonly url: string;
	readonly commands: Redis;
	readonly subscriber: Redis;
	readonly adapter: Redis;
	/** Whether commands reach Redis now. */
	connected(): boolean;
	/** Called each time the command connection is ready again after it was lost. */
	onReconnect(listener: () => void): () => void;
	/** Called each time the command connection is lost. */
	onDisconnect(listener: () => void): () => void;
	/** A new connection with the same settings (the caller owns it and must `quit` it). */
	duplicate(options?: Partial<RedisOptions>): Redis;
	close(): Promise<void>;
}

export class RedisUnavailable extends Error {
	override name = 'RedisUnavailable';
}

/** The URL without its password, for log lines. */
export function redactedUrl(url: string): string {
	try {
		const u = new URL(url);
		if (u.password) u.password = '***';
		return u.toString();
	} catch {
		return 'redis://…';
	}
}

const base: RedisOptions = {
	connectionName: 'yishi',
	// Reconnect forever, quickly at first: an outage is survived without a restart.
	retryStrategy: (times) => Math.min(100 * times, 2_000),
	connectTimeout: 5_000
};

/**
 * Connects, or throws `RedisUnavailable` with a message naming the URL when Redis cannot be
 * reached at start (a node must not come up half-connected).
 */
export async function connectRedis(url: string, log: Logger): Promise<RedisConnections> {
	const probe = new Redis(url, {
		...base,
		lazyConnect: true,
		retryStrategy: () => null,
		maxRetriesPerRequest: 0
	});
	probe.on('error', () => {});
	try {
		await probe.connect();
		await probe.ping();
	} catch (error) {
		probe.disconnect();
		const why = error instanceof Error ? error.message : String(error);
		throw new RedisUnavailable(`cannot reach Redis at REDIS_URL=${redactedUrl(url)}: ${why}`);
	}
	probe.disconnect();

	const commands = new Redis(url, { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
	const subscriber = new Redis(url, { ...base, maxRetriesPerRequest: null });
	const adapter = new Redis(url, { ...base, maxRetriesPerRequest: null });
	const reconnectListeners = new Set<() => void>();
	const disconnectListeners = new Set<() => void>();
	let down = false;
	for (const [name, client] of [
		['commands', commands],
		['subscriber', subscriber],
		['adapter', adapter]
	] as const) {
		client.on('error', (err: Error) => {
			if (!down) log.debug({ err: err.message, connection: name }, 'redis error');
		});
	}
	commands.on('close', () => {
		if (down) return;
		down = true;
		log.warn(
			{ redis: redactedUrl(url) },
			'redis disconnected: broadcasts reach this node only until it returns'
		);
		for (const listener of disconnectListeners) listener();
	});
	commands.on('ready', () => {
		if (!down) return;
		down = false;
		log.info({ redis: redactedUrl(url) }, 'redis reconnected');
		for (const listener of reconnectListeners) listener();
	});
	await Promise.all(
		[commands, subscriber, adapter].map(
			(c) =>
				new Promise<void>((resolve, reject) => {
					if (c.status === 'ready') return resolve();
					c.once('ready', () => resolve());
					c.once('end', () => reject(new RedisUnavailable('redis connection ended at start')));
				})
		)
	);

	return {
		url,
		commands,
		subscriber,
		adapter,
		connected: () => commands.status === 'ready',
		onReconnect(listener) {
			reconnectListeners.add(listener);
			return () => reconnectListeners.delete(listener);
		},
		onDisconnect(listener) {
			disconnectListeners.add(listener);
			return () => disconnectListeners.delete(listener);
		},
		duplicate: (options) => new Redis(url, { ...base, ...options }),
		async close() {
			await Promise.all(
				[commands, subscriber, adapter].map((c) => c.quit().catch(() => c.disconnect()))
			);
		}
	};
}
