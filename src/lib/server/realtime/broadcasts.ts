/**
 * Room broadcasts: each change builds its payload ONCE and sends it to the room (socket.io
 * encodes a room emit once), coalesced per key so bursts do not flood phones on weak networks.
 */
import * as householdsService from '../services/households';
import * as queueService from '../services/queue';
import type { Ctx, RealtimeHooks } from '../services/context';
import * as sessionsService from '../services/sessions';
import * as votesService from '../services/votes';
import * as sessions from '../db/sessions';
import * as transcript from '../db/transcript';
import * as votes from '../db/votes';
import { Coalescer } from './coalesce';
import type { IoServer } from './io';
import { participantRoom, roomOf } from './rooms';
import type { Presence } from './presence';

/** Tallies at most every 100 ms per vote: a storm stays well inside the 250 ms staleness aim. */
export const TALLY_INTERVAL_MS = 100;

export function createBroadcasts(ctx: Ctx, io: IoServer, presence: Presence) {
	const guard = (what: string, run: (key: string) => Promise<void>) => async (key: string) => {
		try {
			await run(key);
		} catch (error) {
			ctx.log.error({ err: error, key }, `${what} broadcast failed`);
		}
	};
	const presenceOut = new Coalescer(
		50,
		guard('presence', async (sessionId) => {
			io.to(roomOf(sessionId)).emit('presence', {
				participants: await sessionsService.participantViews(ctx, sessionId)
			});
		})
	);
	const sessionOut = new Coalescer(
		0,
		guard('session', async (sessionId) => {
			const session = await sessions.find(ctx.db, sessionId);
			if (session)
				io.to(roomOf(sessionId)).emit('session:state', sessionsService.sessionState(session));
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
			const vote = await votes.find(ctx.db, voteId);
			if (vote)
				io.to(roomOf(sessionId)).emit(
					'vote:tally',
					votesService.tallyOf(vote, await votes.ballotsOf(ctx.db, voteId))
				);
		})
	);

	const headOut = new Coalescer(
		200,
		guard('transcript', async (sessionId) => {
			const head = await transcript.head(ctx.db, sessionId);
			io.to(roomOf(sessionId)).emit('transcript:head', { sessionId, ...head });
		})
	);

	const hooks: Omit<RealtimeHooks, 'disconnectAuthSession' | 'notified' | 'commentsChanged'> = {
		onlineParticipantIds: (sessionId) => presence.online(sessionId),
		presenceChanged: (sessionId) => presenceOut.mark(sessionId),
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
			presenceOut.mark(sessionId);
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
		stop() {
			for (const c of [presenceOut, sessionOut, queueOut, tallyOut, headOut]) c.cancelAll();
		}
	};
}
