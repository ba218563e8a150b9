/** The speaker queue: domain rules in `domain/speaker-queue`, rows in `db/hands`. */
import * as clock from '../clock';
import * as floor from './floor';
import { floorSchema, handOnBehalfSchema, type HandKind, type QueueView } from '$lib/protocol';
import type { Db } from '../db/client';
import * as hands from '../db/hands';
import * as participants from '../db/participants';
import * as sessions from '../db/sessions';
import * as queueRules from '../domain/speaker-queue';
import { newId } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError } from './errors';
import { requireCan } from '../access/check';
import { participantCanWrite } from './session-access';
import { actorOf, actorOfUser, record } from './transcript';
import type { Actor } from '../domain/transcript';

function toQueue(rows: hands.HandRow[]): queueRules.Queue {
	const speaking = rows.find((r) => r.status === 'speaking');
	return {
		entries: queueRules.ordered(
			rows
				.filter((r) => r.status === 'waiting')
				.map((r) => ({ participantId: r.participantId, kind: r.kind, at: r.raisedAt }))
		),
		speaking: speaking
			? {
					participantId: speaking.participantId,
					startedAt: speaking.startedAt!,
					limitSeconds: speaking.limitSeconds ?? 0
				}
			: null
	};
}

export async function view(
	db: Db,
	sessionId: string
): Promise<QueueView & { speakingTotals: Record<string, number> }> {
	const [rows, turns] = await Promise.all([hands.live(db, sessionId), hands.turns(db, sessionId)]);
	const q = toQueue(rows);
	return {
		entries: q.entries.map((e) => ({
			participantId: e.participantId,
			kind: e.kind,
			at: e.at.toISOString()
		})),
		speaking: q.speaking
			? {
					participantId: q.speaking.participantId,
					startedAt: q.speaking.startedAt.toISOString(),
					limitSeconds: q.speaking.limitSeconds
				}
			: null,
		speakingTotals: queueRules.speakingTotals(turns)
	};
}

const queueError = (error: queueRules.QueueError) =>
	new ServiceError(
		409,
		error,
		{
			already_queued: 'your hand is already up',
			not_queued: 'no hand is up',
			queue_empty: 'nobody is waiting to speak',
			already_speaking: 'you have the floor'
		}[error]
	);

/** A unique-key violation from Postgres or PGlite (SQLSTATE 23505). */
export function isUniqueViolation(error: unknown): boolean {
	for (let e: unknown = error; e && typeof e === 'object'; e = (e as { cause?: unknown }).cause) {
		if ((e as { code?: string }).code === '23505') return true;
	}
	return false;
}

async function openSessionOf(db: Db, sessionId: string) {
	const session = await sessions.find(db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (session.status === 'closed')
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	return session;
}

export async function raise(
	ctx: Ctx,
	sessionId: string,
	participant: participants.Participant,
	kind: HandKind,
	by: { id: string; actor: Actor } | null = null,
	now = clock.now()
): Promise<void> {
	const session = await openSessionOf(ctx.db, sessionId);
	if (!participantCanWrite(participant, session.status)) {
		throw forbidden(
			participant.status === 'muted' ? 'you have been muted' : 'observers cannot ask for the floor'
		);
	}
	try {
		await ctx.db.transaction(async (tx) => {
			const result = queueRules.raise(toQueue(await hands.live(tx, sessionId)), {
				participantId: participant.id,
				kind,
				at: now
			});
			if (!result.ok) throw queueError(result.error);
			await hands.insert(tx, {
				id: newId(),
				sessionId,
				participantId: participant.id,
				kind,
				status: 'waiting',
				raisedAt: now,
				addedBy: by?.id ?? null
			});
			await record(
				tx,
				sessionId,
				'hand_raised',
				by?.actor ?? actorOf(participant),
				{
					participantId: participant.id,
					name: participant.name,
					kind,
					onBehalf: by !== null
				},
				now
			);
		});
	} catch (error) {
		// Two phones of one person raced; the partial unique index kept one hand.
		if (isUniqueViolation(error)) throw queueError('already_queued');
		throw error;
	}
	ctx.realtime.queueChanged(sessionId);
}

export async function lower(
	ctx: Ctx,
	sessionId: string,
	participant: Pick<participants.Participant, 'id' | 'name'>,
	actor: Actor,
	now = clock.now()
): Promise<void> {
	await ctx.db.transaction(async (tx) => {
		const rows = await hands.live(tx, sessionId);
		const hand = rows.find((r) => r.participantId === participant.id && r.status === 'waiting');
		if (!hand) throw queueError('not_queued');
		await hands.setStatus(tx, hand.id, { status: 'lowered', endedAt: now });
		await record(
			tx,
			sessionId,
			'hand_lowered',
			actor,
			{ participantId: participant.id, name: participant.name },
			now
		);
	});
	ctx.realtime.queueChanged(sessionId);
}

async function memberOf(ctx: Ctx, sessionId: string, participantId: string) {
	const participant = await participants.findById(ctx.db, participantId);
	if (!participant || participant.sessionId !== sessionId) {
		throw notFound('participant_not_found', 'participant');
	}
	return participant;
}

/** The moderator queues someone on their behalf (an elderly resident without a phone). */
export async function raiseOnBehalf(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	const { participantId, kind } = parse(handOnBehalfSchema, input);
	const participant = await memberOf(ctx, sessionId, participantId);
	await raise(ctx, sessionId, participant, kind, { id: user.id, actor: actorOfUser(user) });
}

export async function lowerOnBehalf(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	participantId: string
) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	await lower(ctx, sessionId, await memberOf(ctx, sessionId, participantId), actorOfUser(user));
}

const secondsBetween = (from: Date, to: Date) =>
	Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));

/** Gives the floor to someone (default: the head of the queue); the current turn ends. */
export async function giveFloor(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	input: unknown,
	now = clock.now()
) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	const body = parse(floorSchema, input);
	const session = await openSessionOf(ctx.db, sessionId);
	const limitSeconds = body.limitSeconds ?? session.speakingLimitSeconds;
	if (body.participantId) await memberOf(ctx, sessionId, body.participantId);
	await ctx.db.transaction(async (tx) => {
		const rows = await hands.live(tx, sessionId);
		const result = queueRules.give(toQueue(rows), now, limitSeconds, body.participantId);
		if (!result.ok) throw queueError(result.error);
		const current = rows.find((r) => r.status === 'speaking');
		if (current) {
			await hands.setStatus(tx, current.id, { status: 'done', endedAt: now });
			await record(
				tx,
				sessionId,
				'floor_ended',
				actorOfUser(user),
				{
					participantId: current.participantId,
					seconds: secondsBetween(current.startedAt!, now)
				},
				now
			);
		}
		const next = result.queue.speaking!.participantId;
		const waiting = rows.find((r) => r.participantId === next && r.status === 'waiting');
		if (waiting) {
			await hands.setStatus(tx, waiting.id, { status: 'speaking', startedAt: now, limitSeconds });
		} else {
			await hands.insert(tx, {
				id: newId(),
				sessionId,
				participantId: next,
				kind: 'speak',
				status: 'speaking',
				raisedAt: now,
				addedBy: user.id,
				startedAt: now,
				limitSeconds
			});
		}
		const speaker = await participants.findById(tx, next);
		await record(
			tx,
			sessionId,
			'floor_given',
			actorOfUser(user),
			{
				participantId: next,
				name: speaker?.name ?? '',
				role: speaker?.role ?? '',
				limitSeconds,
				// Granted although the bloc used up its share of the floor (services/floor.ts).
				...((await floor.overQuota(tx, sessionId, speaker?.role)) ? { overQuota: true } : {})
			},
			now
		);
	});
	ctx.realtime.queueChanged(sessionId);
}

export async function endTurn(ctx: Ctx, viewer: Viewer, sessionId: string, now = clock.now()) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	await ctx.db.transaction(async (tx) => {
		const rows = await hands.live(tx, sessionId);
		const current = rows.find((r) => r.status === 'speaking');
		if (!current) throw new ServiceError(409, 'nobody_speaking', 'nobody has the floor');
		await hands.setStatus(tx, current.id, { status: 'done', endedAt: now });
		await record(
			tx,
			sessionId,
			'floor_ended',
			actorOfUser(user),
			{
				participantId: current.participantId,
				seconds: secondsBetween(current.startedAt!, now)
			},
			now
		);
	});
	ctx.realtime.queueChanged(sessionId);
}
