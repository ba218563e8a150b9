/**
 * What a room shows: the session as everyone sees it, who is there, and everything a client
 * needs after (re)connecting. Assembled from the queue, the votes and the seats, so it lives
 * apart from services/sessions.ts, which those services never need to import back.
 */
import type { Role } from '$lib/protocol/roles';
import type { ParticipantView, RoomState, SessionStateView } from '$lib/protocol';
import { PROTOCOL_VERSION } from '$lib/protocol';
import * as participants from '../db/participants';
import type { SessionWithItems } from '../db/sessions';
import * as transcript from '../db/transcript';
import type { Ctx } from './context';
import * as householdsService from './households';
import * as queueService from './queue';
import { participantCanWrite } from './session-access';
import * as votesService from './votes';

export async function participantViews(ctx: Ctx, sessionId: string): Promise<ParticipantView[]> {
	if (ctx.realtime.participantList) return ctx.realtime.participantList(sessionId);
	const online = ctx.realtime.onlineParticipantIds(sessionId);
	const rows = await participants.listForSession(ctx.db, sessionId);
	return rows
		.filter((p) => p.status !== 'removed')
		.map((p) => ({
			id: p.id,
			name: p.name,
			role: p.role as Role,
			online: online.has(p.id),
			muted: p.status === 'muted'
		}));
}

/** The part of the room state that is the same for everyone (`session:state`). */
export function sessionState(session: SessionWithItems): SessionStateView {
	return {
		sessionId: session.id,
		title: session.title,
		kind: session.kind,
		status: session.status,
		opensAt: session.opensAt?.toISOString() ?? null,
		closesAt: session.closesAt?.toISOString() ?? null,
		items: session.items.map((i) => ({
			id: i.id,
			title: i.title,
			status: i.status,
			docName: i.docName,
			position: i.position
		})),
		currentItemId: session.currentItemId,
		speakingLimitSeconds: session.speakingLimitSeconds
	};
}

/** Everything a client needs after (re)connecting, so it never needs an event it missed. */
export async function roomState(
	ctx: Ctx,
	session: SessionWithItems,
	me: participants.Participant
): Promise<RoomState> {
	const role = me.role as Role;
	const [people, queue, meeting, seats, head] = await Promise.all([
		participantViews(ctx, session.id),
		queueService.view(ctx.db, session.id),
		votesService.forRoom(ctx, session.id, me),
		householdsService.seatViews(ctx, session.id, me.id),
		transcript.head(ctx.db, session.id)
	]);
	const { speakingTotals, ...queueView } = queue;
	return {
		protocolVersion: PROTOCOL_VERSION,
		...sessionState(session),
		participants: people,
		me: { participantId: me.id, role, canWrite: participantCanWrite(me, session.status), seats },
		queue: queueView,
		speakingTotals,
		votes: meeting.votes,
		myBallots: meeting.myBallots,
		transcriptHead: head
	};
}
