/**
 * ONE contract for the cluster seam, registered against each implementation (`local.spec.ts`,
 * and on a private redis-server in `tests/cluster/seam.test.ts`): what one node does must be
 * seen by another exactly as the rules in `types.ts` say.
 */
import { describe, expect, it } from 'vitest';
import type { ClusterState, PresenceChange } from './types';

export interface TwoNodes {
	a: ClusterState;
	b: ClusterState;
	close(): Promise<void>;
}

const decoder = new TextDecoder();

function nextPresence(
	node: ClusterState,
	match: (c: PresenceChange) => boolean,
	timeoutMs = 5_000
): Promise<PresenceChange> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			off();
			reject(new Error('no presence change'));
		}, timeoutMs);
		const off = node.onPresence((c) => {
			if (!match(c)) return;
			clearTimeout(timer);
			off();
			resolve(c);
		});
	});
}

function nextMessage(node: ClusterState, channel: string, timeoutMs = 5_000) {
	return new Promise<{ text: string; from: string; unsubscribe: () => Promise<void> }>(
		(resolve, reject) => {
			const timer = setTimeout(() => reject(new Error(`nothing on ${channel}`)), timeoutMs);
			const sub = node.bus.subscribe(channel, (m, from) => {
				clearTimeout(timer);
				void sub.then((unsubscribe) => resolve({ text: decoder.decode(m), from, unsubscribe }));
			});
		}
	);
}

export function registerClusterContract(name: string, twoNodes: () => Promise<TwoNodes>) {
	describe(`cluster seam contract (${name})`, () => {
		it('[SEAM-1] a message reaches the other node, named by its sender, and never its own', async () => {
			const { a, b, close } = await twoNodes();
			try {
				const ownEcho: string[] = [];
				const offA = await a.bus.subscribe('t1', (m) => ownEcho.push(decoder.decode(m)));
				const onB = nextMessage(b, 't1');
				await new Promise((r) => setTimeout(r, 50)); // subscription settles on the server
				a.bus.publish('t1', 'hello');
				const got = await onB;
				expect(got).toMatchObject({ text: 'hello', from: a.nodeId });
				// A later message from B to A proves A's own was not delivered back meanwhile.
				const onA = nextMessage(a, 't1-back');
				await new Promise((r) => setTimeout(r, 50));
				b.bus.publish('t1-back', new TextEncoder().encode('ack'));
				expect((await onA).text).toBe('ack');
				expect(ownEcho).toEqual([]);
				await offA();
				await got.unsubscribe();
			} finally {
				await close();
			}
		});

		it('[SEAM-2] a person on two nodes is one online participant, coming and going once', async () => {
			const { a, b, close } = await twoNodes();
			try {
				const bHears = nextPresence(b, (c) => c.participantId === 'p1' && c.online);
				expect(await a.presence.join('s1', 'p1')).toBe(true);
				await bHears;
				expect(await b.presence.join('s1', 'p1')).toBe(false);
				expect(b.presence.online('s1').has('p1')).toBe(true);
				expect(await a.presence.join('s1', 'p1')).toBe(false); // a second socket on A
				expect(await a.presence.leave('s1', 'p1')).toBe(false);
				expect(await a.presence.leave('s1', 'p1')).toBe(false); // B still has the laptop
				expect(b.presence.online('s1').has('p1')).toBe(true);
				// A still has a socket in s1 (another participant), so it keeps the session's view.
				await a.presence.join('s1', 'p2');
				const aHears = nextPresence(a, (c) => c.participantId === 'p1' && !c.online);
				expect(await b.presence.leave('s1', 'p1')).toBe(true);
				expect((await aHears).record).toBe(false);
				expect(a.presence.online('s1').has('p1')).toBe(false);
				expect(a.presence.online('s1').has('p2')).toBe(true);
				// Leaving without having joined changes nothing.
				expect(await b.presence.leave('s1', 'p9')).toBe(false);
			} finally {
				await close();
			}
		});

		it('[SEAM-3] a lease is held by one node at a time until released or expired', async () => {
			const { a, b, close } = await twoNodes();
			try {
				expect(await a.leases.acquire('job', 10_000)).toBe(true);
				expect(await b.leases.acquire('job', 10_000)).toBe(false);
				expect(await a.leases.acquire('job', 10_000)).toBe(true); // renewal
				await b.leases.release('job'); // not B's to release
				expect(await b.leases.acquire('job', 10_000)).toBe(false);
				await a.leases.release('job');
				expect(await b.leases.acquire('job', 50)).toBe(true);
				await new Promise((r) => setTimeout(r, 120));
				expect(await a.leases.acquire('job', 10_000)).toBe(true); // B's expired
			} finally {
				await close();
			}
		});
	});
}
