/**
 * `comments:changed {itemId}` to the room when an item's comments change (REFERENCE.md §6).
 * The payload names the item only; clients fetch the list again, so a burst (a busy thread)
 * is coalesced into one event per item every interval.
 */
import type { RealtimeHooks } from '../services/context';
import { Coalescer } from './coalesce';
import type { IoServer } from './socket-types';
import { roomOf } from './rooms';

export const COMMENTS_INTERVAL_MS = 200;

export function createCommentBroadcasts(io: IoServer) {
	const out = new Coalescer(COMMENTS_INTERVAL_MS, (key) => {
		const [sessionId, itemId] = key.split('|') as [string, string];
		io.to(roomOf(sessionId)).emit('comments:changed', { itemId });
	});
	const hooks: Pick<RealtimeHooks, 'commentsChanged'> = {
		commentsChanged: (sessionId, itemId) => out.mark(`${sessionId}|${itemId}`)
	};
	return { hooks, stop: () => out.cancelAll() };
}
