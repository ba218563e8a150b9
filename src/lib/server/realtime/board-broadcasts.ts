/**
 * `board:changed {communityId}` to a community board's watchers (REFERENCE.md §6). The payload
 * names the community only: each client fetches the board again as itself, so a hidden
 * opinion's words reach only the staff who may read them, and a burst of hands is coalesced
 * into one event per board every interval. The room emit goes through the adapter, so the
 * watchers on every node hear it.
 */
import type { RealtimeHooks } from '../services/context';
import { Coalescer } from './coalesce';
import type { IoServer } from './socket-types';
import { boardRoom } from './rooms';

/** A board is not a meeting: a second late is fine, and each event costs every watcher a fetch. */
export const BOARD_INTERVAL_MS = 1_000;

export function createBoardBroadcasts(io: IoServer) {
	const out = new Coalescer(BOARD_INTERVAL_MS, (communityId) => {
		io.to(boardRoom(communityId)).emit('board:changed', { communityId });
	});
	const hooks: Pick<RealtimeHooks, 'boardChanged'> = {
		boardChanged: (communityId) => out.mark(communityId)
	};
	return { hooks, stop: () => out.cancelAll() };
}
