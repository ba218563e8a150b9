/**
 * The node's place in the cluster: without `REDIS_URL` one node alone (the local seam, exactly
 * the single-process behaviour), with it the Redis seam and the Redis connections socket.io's
 * adapter and the login limiter use. See `types.ts` for the contract.
 */
import type { Config } from '../config';
import type { Logger } from '../log';
import { createLocalCluster } from './local';
import { connectRedis, type RedisConnections } from './redis';
import { createRedisCluster } from './redis-state';
import type { ClusterState } from './types';

export type { Bus, ClusterState, Leases, PresenceChange, PresenceStore } from './types';
export type { RedisConnections } from './redis';

export interface Cluster {
	state: ClusterState;
	/** Present when `REDIS_URL` is set. */
	redis: RedisConnections | null;
	close(): Promise<void>;
}

export async function joinCluster(config: Pick<Config, 'redisUrl'>, log: Logger): Promise<Cluster> {
	if (!config.redisUrl) {
		const state = createLocalCluster();
		return { state, redis: null, close: () => state.close() };
	}
	const redis = await connectRedis(config.redisUrl, log);
	const state = await createRedisCluster(redis, log);
	log.info({ node: state.nodeId }, 'joined the cluster');
	return {
		state,
		redis,
		async close() {
			await state.close();
			await redis.close();
		}
	};
}

/** Named bus channels, so two features never share one by accident. */
export const CHANNELS = {
	/** A ballot committed or a vote opened/closed: `{sessionId, voteId}` (caches re-read). */
	votes: 'votes',
	/** A participant's row changed: `{sessionId, participantId?}` (rosters re-read). */
	roster: 'roster',
	/** A login ended or a participant was removed: `{authSessionId}` (document sockets close). */
	authEnded: 'auth-ended',
	/** A session closed: `{docNames}` (editors reconnect read-only). */
	sessionClosed: 'session-closed',
	/** A community's board changed: its id (readers following it without a socket re-fetch). */
	board: 'board',
	/** The test clock moved: `{offsetMs}`. */
	clock: 'clock',
	/** A deadline was set or moved on a node that does not run the deadline loop. */
	timers: 'timers'
} as const;
