/**
 * `board:changed {communityId}` to a community board's watchers (REFERENCE.md §6). The payload
 * names the community only: each client fetches the board again as itself, so a hidden
 * opinion's words reach only the staff who may read them, and a burst of hands is coalesced
 * into one event per board every interval. The room emit goes through the adapter, so the
 * watchers on every node hear it.
 *
 * Readers without a sign-in cannot open a socket (the handshake wants a session), so they follow
 * the board as a server-sent event stream (`watchBoard`); those streams hear of a change made on
 * another node over the cluster bus.
 */
import { CHANNELS } from '../cluster';
import type { Bus } from '../cluster';
import type { Logger } from '../log';
import type { RealtimeHooks } from '../services/context';
import { Coalescer } from './coalesce';
import type { IoServer } from './socket-types';
import { boardRoom } from './rooms';

/** A board is not a meeting: a second late is fine, and each event costs every watcher a fetch. */
export const BOARD_INTERVAL_MS = 1_000;

export function createBoardBroadcasts(io: IoServer, bus: Bus, log: Logger) {
	const readers = new Map<string, Set<() => void>>();
	const tellReaders = (communityId: string) => {
		for (const listener of readers.get(communityId) ?? []) listener();
	};
	const out = new Coalescer(BOARD_INTERVAL_MS, (communityId) => {
		io.to(boardRoom(communityId)).emit('board:changed', { communityId });
		tellReaders(communityId);
		bus.publish(CHANNELS.board, communityId);
	});
	const decoder = new TextDecoder();
	const subscribed = bus
		.subscribe(CHANNELS.board, (message) => tellReaders(decoder.decode(message)))
		.catch((err: unknown) => {
			log.error({ err }, 'board bus subscribe failed');
			return async () => {};
		});
	const hooks: Pick<RealtimeHooks, 'boardChanged' | 'watchBoard'> = {
		boardChanged: (communityId) => out.mark(communityId),
		watchBoard(communityId, listener) {
			let set = readers.get(communityId);
			if (!set) readers.set(communityId, (set = new Set()));
			set.add(listener);
			return () => {
				set.delete(listener);
				if (!set.size) readers.delete(communityId);
			};
		}
	};
	return {
		hooks,
		async stop() {
			out.cancelAll();
			readers.clear();
			await (
				await subscribed
			)();
		}
	};
}
