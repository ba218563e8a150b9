/**
 * Room broadcasts: each change builds its payload ONCE and sends it to the room (socket.io
 * encodes a room emit once), coalesced per key so bursts do not flood phones on weak networks.
 */
import * as householdsService from '../services/households';
import * as queueService from '../services/queue';
import type { Ctx, RealtimeHooks } from '../services/context';
import * as votesService from '../services/votes';
import * as participants from '../db/participants';
import * as sessions from '../db/sessions';
import * as transcript from '../db/transcript';
import { Coalescer } from './coalesce';
import type { IoServer } from './socket-types';
import { fullPresenceRoom, participantRoom, roomOf } from './rooms';
import type { PresenceStore } from '../cluster';
import { Roster } from './roster';
import { sessionState } from '../services/room-state';

/** Tallies at most every 100 ms per vote: a storm stays well inside the 250 ms staleness aim. */
export const TALLY_INTERVAL_MS = 100;

/**
 * Presence and transcript-head ticks stretch with the room: every tick is one frame to EVERY
 * socket in it, so a fixed 50 ms tick costs 20 × N frames a second while a crowd streams in
 * (5 000 phones: 100 000 frames/s, more than the whole server can write). At `perSocketMs` per
 * socket the frames a room costs per second stay flat (≈ 1/perSocketMs) whatever its size:
 * presence every 50 ms up to 250 sockets, 200 ms at 1 000, 1 s from 5 000; the transcript
 * head every 200 ms up to 400 sockets, 3 s from 6 000 (the minutes panel is not a ticker).
 */
export function roomTickMs(sockets: number, minMs: number, perSocketMs: number, maxMs: number) {
	return Math.min(maxMs, Math.max(minMs, Math.round(sockets * perSocketMs)));
}
export const PRESENCE_TICK = { minMs: 50, perSocketMs: 0.2, maxMs: 1_000 } as const;
export const HEAD_TICK = { minMs: 200, perSocketMs: 0.5, maxMs: 3_000 } as const;

/**
 * Presence lists and live tallies come from this node's memory (roster, open-vote cache), so
 * each node sends them to its own sockets (`io.local`) and other nodes are told over the bus to
 * refresh theirs (`cluster/live.ts`). Everything else is read from the database and sent once
 * to the room on every node.
 */
export function createBroadcasts(ctx: Ctx, io: IoServer, presence: Pick<PresenceStore, 'online'>) {
	const guard = (what: string, run: (key: string) => Promise<void>) => async (key: string) => {
		try {
			await run(key);
		} catch (error) {
			ctx.log.error({ err: error, key }, `${what} broadcast failed`);
		}
	};
	// Presence: an in-memory roster per live room; each tick sends what changed (`presence:delta`)
	// to the sockets that asked for deltas, and the whole list (`presence`, REFERENCE.md §3) only to
	// those that did not. Each payload is built and encoded once per tick for the whole room.
	const roster = new Roster();
	/** Participants whose row must be read again before the next tick ('*': the whole list). */
	const stale = new Map<string, Set<string>>();
	const markStale = (sessionId: string, participantId: string) => {
		let set = stale.get(sessionId);
		if (!set) stale.set(sessionId, (set = new Set()));
		set.add(participantId);
		presenceOut.mark(sessionId);
	};
	const liveSockets = (room: string) => io.of('/').adapter.rooms.get(room)?.size ?? 0;
	const tick = (t: { minMs: number; perSocketMs: number; maxMs: number }) => (sessionId: string) =>
		roomTickMs(liveSockets(roomOf(sessionId)), t.minMs, t.perSocketMs, t.maxMs);
	const presenceOut = new Coalescer(
		tick(PRESENCE_TICK),
		guard('presence', async (sessionId) => {
			const room = roomOf(sessionId);
			const ids = stale.get(sessionId);
			stale.delete(sessionId);
			if (liveSockets(room) === 0) return roster.drop(sessionId);
			if (!roster.loaded(sessionId) || ids?.has('*')) {
				roster.load(sessionId, await participants.listForSession(ctx.db, sessionId));
			} else {
				const reread = new Set([...(ids ?? []), ...roster.unknownTouched(sessionId)]);
				for (const id of reread) {
					const row = await participants.findById(ctx.db, id);
					if (row?.sessionId === sessionId) roster.put(sessionId, row);
					else roster.touch(sessionId, id);
				}
			}
			const online = presence.online(sessionId);
			const delta = roster.takeDelta(sessionId, online);
			if (!delta) return;
			const full = fullPresenceRoom(sessionId);
			io.local.to(room).except(full).emit('presence:delta', delta);
			if (liveSockets(full) > 0)
				io.local.to(full).emit('presence', { participants: roster.list(sessionId, online) });
		})
	);
	const sessionOut = new Coalescer(
		0,
		guard('session', async (sessionId) => {
			const session = await sessions.find(ctx.db, sessionId);
			if (session) io.to(roomOf(sessionId)).emit('session:state', sessionState(session));
		})
	);
	const queueOut = new Coalescer(
		0,
		guard('queue', async (sessionId) => {
			io.to(roomOf(sessionId)).emit('queue', await queueService.view(ctx.db, sessionId));
		})
	);
	const tallyOut = new Coalescer(
		TALLY_INTERVAL_MS,
		guard('tally', async (key) => {
			const [sessionId, voteId] = key.split('|') as [string, string];
			// From memory while the vote is open: no ballot is re-read per tally, and no query
			// stands between a ballot's commit and its tally.
			const tally =
				votesService.openTallyNow(ctx, voteId) ?? (await votesService.currentTally(ctx, voteId));
			if (tally) io.local.to(roomOf(sessionId)).emit('vote:tally', tally);
		}),
		// The first ballot of a quiet spell goes out in the turn of its commit, right after its ack.
		'tick'
	);

	const headOut = new Coalescer(
		tick(HEAD_TICK),
		guard('transcript', async (sessionId) => {
			const head = await transcript.head(ctx.db, sessionId);
			io.to(roomOf(sessionId)).emit('transcript:head', { sessionId, ...head });
		})
	);

	const hooks: Omit<
		RealtimeHooks,
		'disconnectAuthSession' | 'notified' | 'commentsChanged' | 'boardChanged' | 'watchBoard'
	> = {
		onlineParticipantIds: (sessionId) => presence.online(sessionId),
		async participantList(sessionId) {
			if (!roster.loaded(sessionId))
				roster.load(sessionId, await participants.listForSession(ctx.db, sessionId));
			return roster.list(sessionId, presence.online(sessionId));
		},
		presenceChanged: (sessionId, participantId) => markStale(sessionId, participantId ?? '*'),
		sessionChanged(sessionId) {
			sessionOut.mark(sessionId);
			headOut.mark(sessionId);
		},
		queueChanged(sessionId) {
			queueOut.mark(sessionId);
			headOut.mark(sessionId);
		},
		transcriptChanged: (sessionId) => headOut.mark(sessionId),
		participantChanged(sessionId, participantId) {
			io.in(participantRoom(participantId)).disconnectSockets(true);
			markStale(sessionId, participantId);
			headOut.mark(sessionId);
		},
		sessionClosed(sessionId) {
			sessionOut.mark(sessionId);
			headOut.mark(sessionId);
		},
		tallyChanged: (sessionId, voteId) => tallyOut.mark(`${sessionId}|${voteId}`),
		// Opening and closing are rare and must arrive at once, in order: no coalescing.
		voteChanged(sessionId, voteId) {
			void guard('vote', async () => {
				const view = await votesService.viewOf(ctx, voteId);
				if (!view) return;
				io.to(roomOf(sessionId)).emit('vote:state', view);
				io.to(roomOf(sessionId)).emit('vote:tally', view.current);
				headOut.mark(sessionId);
			})(voteId);
		},
		seatsChanged(sessionId, participantId) {
			void guard('seats', async () => {
				const seats = await householdsService.seatViews(ctx, sessionId, participantId);
				io.to(participantRoom(participantId)).emit('me:seats', { seats });
			})(participantId);
		}
	};

	return {
		hooks,
		/** A socket joined as this participant (row fresh from the database): listed at once. */
		joined(sessionId: string, participant: participants.Participant) {
			if (roster.loaded(sessionId) && !roster.has(sessionId, participant.id))
				roster.put(sessionId, participant);
		},
		/** A participant came online or went offline (no database read needed). */
		onlineChanged(sessionId: string, participantId: string) {
			roster.touch(sessionId, participantId);
			presenceOut.mark(sessionId);
		},
		stop() {
			for (const c of [presenceOut, sessionOut, queueOut, tallyOut, headOut]) c.cancelAll();
		}
	};
}
