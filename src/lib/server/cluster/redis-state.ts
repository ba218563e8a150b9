/**
 * The cluster seam on Redis (see `types.ts`). Presence is counted per node in Redis:
 *
 *   yishi:online:<sessionId>  hash participantId → sockets over all nodes
 *   yishi:node:<nodeId>       hash "<sessionId>|<participantId>" → this node's sockets
 *   yishi:nodes               sorted set nodeId → heartbeat expiry (ms)
 *
 * Every node renews its heartbeat every `heartbeatMs` and reaps nodes whose heartbeat expired
 * (`ttlMs`): one script removes the dead node and subtracts its sockets atomically, so exactly
 * one node reaps it and records who went offline. Bound: a dead node's participants are
 * offline everywhere within ttlMs + heartbeatMs (15 s + 5 s by default).
 *
 * Redis holds no fact: after an outage (or a Redis restart that lost everything) each node
 * writes its own sockets back and reloads what it shows.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../log';
import type { RedisConnections } from './redis';
import type { ClusterState, PresenceChange } from './types';

const PREFIX = 'yishi:';
const NODES = `${PREFIX}nodes`;
const PRESENCE_CHANNEL = `${PREFIX}presence`;
const busChannel = (channel: string) => `${PREFIX}bus:${channel}`;
const onlineKey = (sessionId: string) => `${PREFIX}online:${sessionId}`;
const nodeKey = (nodeId: string) => `${PREFIX}node:${nodeId}`;

/** KEYS: online hash, node hash. ARGV: participantId, "<s>|<p>", delta. → total or -1. */
const COUNT = `
local by = tonumber(ARGV[3])
local mine = tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') + by
if mine < 0 then return -1 end
if mine == 0 then redis.call('HDEL', KEYS[2], ARGV[2]) else redis.call('HSET', KEYS[2], ARGV[2], mine) end
local total = redis.call('HINCRBY', KEYS[1], ARGV[1], by)
if total <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) total = 0 end
return total`;

/** KEYS: nodes zset, dead node hash. ARGV: dead nodeId, key prefix. → "<s>|<p>" now offline. */
const REAP = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return {} end
local fields = redis.call('HGETALL', KEYS[2])
local gone = {}
for i = 1, #fields, 2 do
  local f = fields[i]
  local sep = string.find(f, '|', 1, true)
  local key = ARGV[2] .. 'online:' .. string.sub(f, 1, sep - 1)
  local p = string.sub(f, sep + 1)
  local total = redis.call('HINCRBY', key, p, -tonumber(fields[i + 1]))
  if total <= 0 then
    redis.call('HDEL', key, p)
    table.insert(gone, f)
  end
end
redis.call('DEL', KEYS[2])
return gone`;

/** KEYS: lease. ARGV: owner, ttl → 1 when held by owner now. */
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export interface RedisStateOptions {
	heartbeatMs?: number;
	ttlMs?: number;
}

const encoder = new TextEncoder();
const NODE_ID_BYTES = 36;

export async function createRedisCluster(
	redis: RedisConnections,
	log: Logger,
	options: RedisStateOptions = {}
): Promise<ClusterState> {
	const heartbeatMs = options.heartbeatMs ?? 5_000;
	const ttlMs = options.ttlMs ?? 15_000;
	const nodeId = randomUUID();
	const nodeBytes = Buffer.from(nodeId);
	const { commands, subscriber } = redis;

	/** This node's sockets: the truth it writes back after an outage. */
	const mine = new Map<string, Map<string, number>>();
	/** The cluster-wide online view of sessions this node has sockets in. */
	const views = new Map<string, Set<string>>();
	const presenceListeners = new Set<(change: PresenceChange) => void>();
	const reconnectListeners = new Set<() => void>();
	const handlers = new Map<string, Set<(message: Uint8Array, fromNode: string) => void>>();
	const emit = (change: PresenceChange) => {
		for (const l of presenceListeners) {
			try {
				l(change);
			} catch (err) {
				log.error({ err }, 'presence listener failed');
			}
		}
	};

	const applyRemote = (
		sessionId: string,
		participantId: string,
		online: boolean,
		record: boolean
	) => {
		const view = views.get(sessionId);
		if (view) {
			if (online) view.add(participantId);
			else view.delete(participantId);
		}
		emit({ sessionId, participantId, online, record });
	};

	subscriber.on('messageBuffer', (channelBuf: Buffer, message: Buffer) => {
		const channel = channelBuf.toString();
		if (message.length < NODE_ID_BYTES) return;
		const from = message.subarray(0, NODE_ID_BYTES).toString();
		if (from === nodeId) return;
		const body = message.subarray(NODE_ID_BYTES);
		if (channel === PRESENCE_CHANNEL) {
			try {
				const { s, p, o } = JSON.parse(body.toString()) as { s: string; p: string; o: boolean };
				applyRemote(s, p, o, false);
			} catch (err) {
				log.warn({ err }, 'bad presence message');
			}
			return;
		}
		for (const h of handlers.get(channel) ?? []) {
			try {
				h(body, from);
			} catch (err) {
				log.error({ err, channel }, 'bus handler failed');
			}
		}
	});
	await subscriber.subscribe(PRESENCE_CHANNEL);

	let warnedDrop = false;
	const send = (channel: string, message: Uint8Array | string) => {
		if (!redis.connected()) {
			if (!warnedDrop) log.warn({ channel }, 'redis away: cross-node message dropped');
			warnedDrop = true;
			return;
		}
		const body = typeof message === 'string' ? encoder.encode(message) : message;
		commands.publish(channel, Buffer.concat([nodeBytes, body])).catch((err: unknown) => {
			log.warn({ err, channel }, 'cross-node message not sent');
		});
	};

	const localCount = (sessionId: string, participantId: string, by: number) => {
		let room = mine.get(sessionId);
		if (!room) mine.set(sessionId, (room = new Map()));
		const n = Math.max(0, (room.get(participantId) ?? 0) + by);
		if (n === 0) room.delete(participantId);
		else room.set(participantId, n);
		if (room.size === 0) mine.delete(sessionId);
		return n;
	};

	const loadView = async (sessionId: string) => {
		const all = await commands.hgetall(onlineKey(sessionId));
		const view = new Set(
			Object.entries(all)
				.filter(([, n]) => Number(n) > 0)
				.map(([p]) => p)
		);
		const before = views.get(sessionId);
		views.set(sessionId, view);
		return { before, view };
	};

	const count = async (sessionId: string, participantId: string, by: 1 | -1): Promise<boolean> => {
		const mineNow = localCount(sessionId, participantId, by);
		let view = views.get(sessionId);
		let changed: boolean;
		try {
			const total = Number(
				await commands.eval(
					COUNT,
					2,
					onlineKey(sessionId),
					nodeKey(nodeId),
					participantId,
					`${sessionId}|${participantId}`,
					by
				)
			);
			if (total < 0) return false;
			if (!view) view = (await loadView(sessionId)).view;
			changed = by === 1 ? total === 1 : total === 0;
			if (total > 0) view.add(participantId);
			else view.delete(participantId);
		} catch (err) {
			// Redis away: count on this node alone; written back when it returns (`resync`).
			log.debug({ err }, 'presence counted locally');
			if (!view) views.set(sessionId, (view = new Set()));
			const had = view.has(participantId);
			if (by === 1) view.add(participantId);
			else if (mineNow === 0) view.delete(participantId);
			changed = by === 1 ? !had : had && mineNow === 0;
		}
		if (changed)
			send(PRESENCE_CHANNEL, JSON.stringify({ s: sessionId, p: participantId, o: by === 1 }));
		if (!mine.has(sessionId)) views.delete(sessionId);
		return changed;
	};

	/** Writes this node's sockets back (Redis lost them, or reaped this node while it was away). */
	const resync = async () => {
		const stored = await commands.hgetall(nodeKey(nodeId));
		for (const [field, n] of Object.entries(stored)) {
			const sep = field.indexOf('|');
			const [s, p] = [field.slice(0, sep), field.slice(sep + 1)];
			const want = mine.get(s)?.get(p) ?? 0;
			if (want !== Number(n))
				await commands.eval(COUNT, 2, onlineKey(s), nodeKey(nodeId), p, field, want - Number(n));
		}
		for (const [s, room] of mine) {
			for (const [p, n] of room) {
				if (stored[`${s}|${p}`] === undefined)
					await commands.eval(COUNT, 2, onlineKey(s), nodeKey(nodeId), p, `${s}|${p}`, n);
			}
		}
		// What this node shows may have changed meanwhile: reload and tell the listeners.
		for (const sessionId of [...views.keys()]) {
			const { before, view } = await loadView(sessionId);
			for (const p of new Set([...(before ?? []), ...view])) {
				if (before?.has(p) !== view.has(p))
					emit({ sessionId, participantId: p, online: view.has(p), record: false });
			}
		}
	};

	let beating = false;
	const heartbeat = async () => {
		if (beating || !redis.connected()) return;
		beating = true;
		try {
			const now = Date.now();
			const added = await commands.zadd(NODES, now + ttlMs, nodeId);
			// Not there any more: Redis lost its data or reaped this node. Put our sockets back.
			if (Number(added) === 1 && started) await resync();
			started = true;
			for (const dead of await commands.zrangebyscore(NODES, '-inf', now)) {
				if (dead === nodeId) continue;
				const gone = (await commands.eval(REAP, 2, NODES, nodeKey(dead), dead, PREFIX)) as string[];
				if (gone.length) log.info({ node: dead, offline: gone.length }, 'reaped a lost node');
				for (const f of gone) {
					const sep = f.indexOf('|');
					const [s, p] = [f.slice(0, sep), f.slice(sep + 1)];
					send(PRESENCE_CHANNEL, JSON.stringify({ s, p, o: false }));
					applyRemote(s, p, false, true);
				}
			}
		} catch (err) {
			log.debug({ err }, 'heartbeat failed');
		} finally {
			beating = false;
		}
	};
	let started = false;
	await heartbeat();
	const timer = setInterval(() => void heartbeat(), heartbeatMs);
	timer.unref();

	const offReconnect = redis.onReconnect(() => {
		warnedDrop = false;
		void (async () => {
			await heartbeat();
			try {
				await resync();
			} catch (err) {
				log.warn({ err }, 'presence resync failed');
			}
			for (const l of reconnectListeners) l();
		})();
	});

	return {
		kind: 'redis',
		nodeId,
		bus: {
			publish: (channel, message) => send(busChannel(channel), message),
			async subscribe(channel, handler) {
				const name = busChannel(channel);
				let set = handlers.get(name);
				if (!set) {
					handlers.set(name, (set = new Set()));
					await subscriber.subscribe(name);
				}
				set.add(handler);
				return async () => {
					set.delete(handler);
					if (set.size === 0) {
						handlers.delete(name);
						await subscriber.unsubscribe(name).catch(() => {});
					}
				};
			}
		},
		presence: {
			join: (s, p) => count(s, p, 1),
			leave: (s, p) => count(s, p, -1),
			online: (s) => views.get(s) ?? new Set()
		},
		leases: {
			async acquire(name, ttl) {
				return Number(await commands.eval(ACQUIRE, 1, `${PREFIX}lease:${name}`, nodeId, ttl)) === 1;
			},
			async release(name) {
				await commands.eval(RELEASE, 1, `${PREFIX}lease:${name}`, nodeId);
			}
		},
		connected: () => redis.connected(),
		onPresence(listener) {
			presenceListeners.add(listener);
			return () => presenceListeners.delete(listener);
		},
		onReconnect(listener) {
			reconnectListeners.add(listener);
			return () => reconnectListeners.delete(listener);
		},
		async close() {
			clearInterval(timer);
			offReconnect();
		}
	};
}
