/**
 * The cluster seam inside one process: what a single node is (no Redis). Several "nodes" may
 * share one hub, which is how the contract suite (`contract.ts`) exercises the cross-node
 * rules without a network.
 */
import { randomUUID } from 'node:crypto';
import type { ClusterState, PresenceChange } from './types';

type Handler = (message: Uint8Array, fromNode: string) => void;

/** What the nodes of one process share. */
export class LocalHub {
	readonly channels = new Map<string, Set<{ node: string; handler: Handler }>>();
	/** sessionId → participantId → nodeId → sockets. */
	readonly sockets = new Map<string, Map<string, Map<string, number>>>();
	readonly online = new Map<string, Set<string>>();
	readonly presenceListeners = new Map<string, (change: PresenceChange) => void>();
	readonly leases = new Map<string, { node: string; until: number }>();
}

const encoder = new TextEncoder();
const NOBODY: ReadonlySet<string> = new Set();

export function createLocalCluster(hub = new LocalHub()): ClusterState {
	const nodeId = randomUUID();
	const presenceListeners = new Set<(change: PresenceChange) => void>();
	hub.presenceListeners.set(nodeId, (c) => presenceListeners.forEach((l) => l(c)));

	const tell = (sessionId: string, participantId: string, online: boolean) => {
		for (const [node, listener] of hub.presenceListeners) {
			if (node === nodeId) continue;
			queueMicrotask(() => listener({ sessionId, participantId, online, record: false }));
		}
	};

	const count = (sessionId: string, participantId: string, by: number): boolean => {
		let room = hub.sockets.get(sessionId);
		if (!room) hub.sockets.set(sessionId, (room = new Map()));
		let perNode = room.get(participantId);
		if (!perNode) room.set(participantId, (perNode = new Map()));
		const before = [...perNode.values()].reduce((a, b) => a + b, 0);
		const mine = (perNode.get(nodeId) ?? 0) + by;
		if (mine < 0) return false;
		if (mine === 0) perNode.delete(nodeId);
		else perNode.set(nodeId, mine);
		const after = before + by;
		if (after === 0) {
			room.delete(participantId);
			if (room.size === 0) hub.sockets.delete(sessionId);
		}
		let online = hub.online.get(sessionId);
		if (!online) hub.online.set(sessionId, (online = new Set()));
		if (before === 0 && after > 0) {
			online.add(participantId);
			tell(sessionId, participantId, true);
			return true;
		}
		if (before > 0 && after === 0) {
			online.delete(participantId);
			tell(sessionId, participantId, false);
			return true;
		}
		return false;
	};

	return {
		kind: 'local',
		nodeId,
		bus: {
			publish(channel, message) {
				const bytes = typeof message === 'string' ? encoder.encode(message) : message;
				for (const sub of hub.channels.get(channel) ?? []) {
					if (sub.node !== nodeId) queueMicrotask(() => sub.handler(bytes, nodeId));
				}
			},
			async subscribe(channel, handler) {
				let subs = hub.channels.get(channel);
				if (!subs) hub.channels.set(channel, (subs = new Set()));
				const sub = { node: nodeId, handler };
				subs.add(sub);
				return async () => void subs.delete(sub);
			}
		},
		presence: {
			join: async (sessionId, participantId) => count(sessionId, participantId, 1),
			leave: async (sessionId, participantId) => count(sessionId, participantId, -1),
			online: (sessionId) => hub.online.get(sessionId) ?? NOBODY
		},
		leases: {
			async acquire(name, ttlMs) {
				const held = hub.leases.get(name);
				if (held && held.node !== nodeId && held.until > Date.now()) return false;
				hub.leases.set(name, { node: nodeId, until: Date.now() + ttlMs });
				return true;
			},
			async release(name) {
				if (hub.leases.get(name)?.node === nodeId) hub.leases.delete(name);
			}
		},
		connected: () => true,
		onPresence(listener) {
			presenceListeners.add(listener);
			return () => presenceListeners.delete(listener);
		},
		onReconnect: () => () => {},
		async close() {
			hub.presenceListeners.delete(nodeId);
			for (const subs of hub.channels.values())
				for (const sub of subs) if (sub.node === nodeId) subs.delete(sub);
		}
	};
}
