/**
 * socket.io across nodes: the Redis Streams adapter (it resumes its stream after a Redis
 * outage, where the pub/sub adapter loses packets), a local-only fallback while Redis is away,
 * and the bus messages that keep each node's in-memory views (presence, rosters, open-vote
 * caches) in step with the others.
 */
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type { Server } from 'socket.io';
import type { Logger } from '../log';
import type { Ctx, RealtimeHooks } from '../services/context';
import * as openVotes from '../services/open-votes';
import { CHANNELS, type Cluster } from './index';

type AnyServer = Server<never, never, never, never>;
type Flags = { local?: boolean } & Record<string, unknown>;
type Opts = { flags?: Flags } & Record<string, unknown>;

/** Adapter calls that go to Redis first; while it is away they act on this node only. */
const CLUSTER_CALLS = [
	'broadcast',
	'broadcastWithAck',
	'addSockets',
	'delSockets',
	'disconnectSockets',
	'fetchSockets'
] as const;

export function attachAdapter(io: unknown, cluster: Cluster, log: Logger): void {
	const { redis } = cluster;
	if (!redis) return;
	const server = io as AnyServer;
	server.adapter(
		createAdapter(redis.adapter, {
			streamName: 'yishi:socket.io',
			maxLen: 10_000,
			heartbeatInterval: 5_000,
			heartbeatTimeout: 10_000
		}) as never
	);
	const adapter = server.of('/').adapter as unknown as Record<
		string,
		(...args: unknown[]) => unknown
	>;
	let warned = false;
	for (const name of CLUSTER_CALLS) {
		const original = adapter[name]!.bind(adapter);
		adapter[name] = (opts: unknown, ...rest: unknown[]) => {
			if (redis.connected()) return original(opts, ...rest);
			if (!warned) log.warn('redis away: socket.io broadcasts reach this node only');
			warned = true;
			const o = opts as Opts;
			return original({ ...o, flags: { ...o.flags, local: true } }, ...rest);
		};
	}
	redis.onReconnect(() => (warned = false));
}

/** Ends every socket's transport (not the socket.io session) so clients reconnect by themselves. */
export function closeTransports(io: unknown): void {
	for (const socket of (io as AnyServer).of('/').sockets.values()) socket.conn.close();
}

interface Links {
	io: unknown;
	cluster: Cluster;
	ctx: Ctx;
	hooks: RealtimeHooks;
	broadcasts: { onlineChanged(sessionId: string, participantId: string): void };
	/** Records a participant going offline (counted: false — the store already counted it). */
	depart(sessionId: string, participantId: string, counted: boolean): Promise<void>;
}

const decoder = new TextDecoder();
const parse = <T>(message: Uint8Array): T | null => {
	try {
		return JSON.parse(decoder.decode(message)) as T;
	} catch {
		return null;
	}
};

/** Wires the hooks to the bus; answers a function that undoes it. */
export function linkNodes({ cluster, ctx, hooks, broadcasts, depart }: Links): () => Promise<void> {
	const { bus } = cluster.state;
	const local = {
		tallyChanged: hooks.tallyChanged,
		voteChanged: hooks.voteChanged,
		presenceChanged: hooks.presenceChanged,
		participantChanged: hooks.participantChanged
	};
	const offs: (() => unknown)[] = [];

	offs.push(
		cluster.state.onPresence((change) => {
			broadcasts.onlineChanged(change.sessionId, change.participantId);
			// A lost node's participants: the node that reaped it writes the record, once.
			if (change.record && !change.online)
				void depart(change.sessionId, change.participantId, false);
		})
	);

	// Ballots: every node tallies its own sockets' rooms from its cache, re-read after a ballot
	// committed elsewhere (Postgres is the authority; the message only says "re-read").
	hooks.tallyChanged = (sessionId, voteId) => {
		local.tallyChanged(sessionId, voteId);
		bus.publish(CHANNELS.votes, JSON.stringify({ sessionId, voteId }));
	};
	hooks.voteChanged = (sessionId, voteId) => {
		local.voteChanged(sessionId, voteId);
		bus.publish(CHANNELS.votes, JSON.stringify({ sessionId, voteId }));
	};
	const subscriptions = [
		bus.subscribe(CHANNELS.votes, (message) => {
			const m = parse<{ sessionId: string; voteId: string }>(message);
			if (!m) return;
			openVotes.forgetOpenVote(ctx.db, m.voteId);
			local.tallyChanged(m.sessionId, m.voteId);
		}),
		bus.subscribe(CHANNELS.roster, (message) => {
			const m = parse<{ sessionId: string; participantId?: string }>(message);
			if (m) local.presenceChanged(m.sessionId, m.participantId);
		})
	];
	hooks.presenceChanged = (sessionId, participantId) => {
		local.presenceChanged(sessionId, participantId);
		bus.publish(CHANNELS.roster, JSON.stringify({ sessionId, participantId }));
	};
	hooks.participantChanged = (sessionId, participantId, authSessionId) => {
		local.participantChanged(sessionId, participantId, authSessionId);
		bus.publish(CHANNELS.roster, JSON.stringify({ sessionId, participantId }));
	};

	// After an outage messages were lost: every cached open vote is read again and re-sent.
	offs.push(
		cluster.state.onReconnect(() => {
			for (const { voteId, sessionId } of openVotes.forgetOpenVotes(ctx.db))
				if (sessionId) local.tallyChanged(sessionId, voteId);
		})
	);

	return async () => {
		for (const off of offs) off();
		for (const unsubscribe of await Promise.all(subscriptions)) await unsubscribe();
	};
}
