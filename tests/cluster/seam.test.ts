/**
 * The cluster seam's contract (src/lib/server/cluster/contract.ts) on a private redis-server,
 * plus what only the Redis seam has: a node that stops answering is reaped, once, and its
 * participants go offline; a Redis that restarted empty gets every node's sockets back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerClusterContract } from '../../src/lib/server/cluster/contract';
import { connectRedis, RedisUnavailable } from '../../src/lib/server/cluster/redis';
import { createRedisCluster } from '../../src/lib/server/cluster/redis-state';
import type { PresenceChange } from '../../src/lib/server/cluster/types';
import { createLogger } from '../../src/lib/server/log';
import { clusterAvailability, startRedis, type PrivateRedis } from './harness';

const log = createLogger('silent');
const hasRedis = (() => {
	const a = clusterAvailability();
	if (a.ok || !/redis-server/.test(a.why)) return true;
	const line = `!!! CLUSTER SEAM TESTS ON REDIS SKIPPED: ${a.why} !!!`;
	if (process.env.REQUIRE_CLUSTER === '1') throw new Error(`${line} (REQUIRE_CLUSTER=1)`);
	console.warn(`\n${line}\n`);
	return false;
})();

describe.skipIf(!hasRedis)('cluster seam on Redis', () => {
	let redis: PrivateRedis;
	beforeAll(async () => {
		redis = await startRedis();
	});
	afterAll(() => redis?.stop());

	const node = async (options = {}) => {
		const connections = await connectRedis(redis.url, log);
		const state = await createRedisCluster(connections, log, options);
		return {
			state,
			connections,
			close: async () => {
				await state.close();
				await connections.close();
			}
		};
	};

	registerClusterContract('redis', async () => {
		const [a, b] = await Promise.all([node(), node()]);
		return {
			a: a.state,
			b: b.state,
			async close() {
				await a.close();
				await b.close();
			}
		};
	});

	it('[SEAM-R1] a Redis that cannot be reached at start is a clear error', async () => {
		await expect(connectRedis('redis://127.0.0.1:1', log)).rejects.toThrow(RedisUnavailable);
		await expect(connectRedis('redis://127.0.0.1:1', log)).rejects.toThrow(/REDIS_URL/);
	});

	it('[SEAM-R2] a node that stops beating is reaped once; its participants go offline, recorded by one node', async () => {
		const fast = { heartbeatMs: 100, ttlMs: 400 };
		const [a, b, c] = await Promise.all([node(fast), node(fast), node(fast)]);
		try {
			await b.state.presence.join('s9', 'stay');
			await c.state.presence.join('s9', 'stay');
			const changes: PresenceChange[] = [];
			b.state.onPresence((x) => changes.push(x));
			c.state.onPresence((x) => changes.push(x));
			expect(await a.state.presence.join('s9', 'lost')).toBe(true);
			expect(await a.state.presence.join('s9', 'stay')).toBe(false);
			// A dies: its heartbeat stops, its connections drop without a word.
			await a.state.close();
			a.connections.commands.disconnect();
			const started = Date.now();
			while (!changes.some((x) => x.participantId === 'lost' && !x.online && x.record)) {
				if (Date.now() - started > 3_000) throw new Error('not reaped');
				await new Promise((r) => setTimeout(r, 50));
			}
			await new Promise((r) => setTimeout(r, 300));
			const recorded = changes.filter((x) => x.participantId === 'lost' && x.record);
			expect(recorded).toHaveLength(1);
			expect(changes.some((x) => x.participantId === 'stay' && !x.online)).toBe(false);
			expect(b.state.presence.online('s9').has('lost')).toBe(false);
			expect(b.state.presence.online('s9').has('stay')).toBe(true);
		} finally {
			await a.connections.close().catch(() => {});
			await b.close();
			await c.close();
		}
	});

	it('[SEAM-R3] after Redis restarts empty, every node writes its sockets back', async () => {
		const fast = { heartbeatMs: 100, ttlMs: 2_000 };
		const [a, b] = await Promise.all([node(fast), node(fast)]);
		try {
			await a.state.presence.join('s8', 'p');
			const reconnected = new Promise<void>((resolve) => b.state.onReconnect(resolve));
			await redis.stop();
			await redis.start();
			await reconnected;
			const started = Date.now();
			while (!(await b.connections.commands.hget('yishi:online:s8', 'p').catch(() => null))) {
				if (Date.now() - started > 5_000) throw new Error('not written back');
				await new Promise((r) => setTimeout(r, 50));
			}
			expect(await b.state.presence.join('s8', 'p')).toBe(false);
		} finally {
			await a.close();
			await b.close();
		}
	});
});
