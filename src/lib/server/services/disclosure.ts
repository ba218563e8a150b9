/** Statements, minutes, closing a session and reading its transcript (REFERENCE.md §4). */
import { eq } from 'drizzle-orm';
import { minutesSchema, statementSchema, type TranscriptView } from '$lib/protocol';
import { sessions as sessionsTable } from '../db/schema';
import * as sessions from '../db/sessions';
import * as transcript from '../db/transcript';
import * as votes from '../db/votes';
import { newId } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError } from './errors';
import { requireConsole } from './permissions';
import { checkpoint, snapshot } from './proposals';
import * as sessionsService from './sessions';
import { actorOf, actorOfUser, record } from './transcript';
import { closeVote } from './votes';
import { notify } from './notifications';
import type { Actor } from '../domain/transcript';

async function requireOpen(ctx: Ctx, sessionId: string) {
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (session.status === 'closed')
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	return session;
}

/** A short statement by a participant who may speak; carries their bloc. */
export async function postStatement(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	const { text } = parse(statementSchema, input);
	const session = await requireOpen(ctx, sessionId);
	sessionsService.requireStarted(session);
	const { participant } = await sessionsService.enterRoom(ctx, viewer, sessionId);
	if (!sessionsService.participantCanWrite(participant, session.status)) {
		throw forbidden(
			participant.status === 'muted' ? 'you have been muted' : 'observers cannot post statements'
		);
	}
	const id = newId();
	await ctx.db.transaction((tx) =>
		record(tx, sessionId, 'statement', actorOf(participant), {
			id,
			text,
			itemId: session.currentItemId
		})
	);
	ctx.realtime.transcriptChanged(sessionId);
	return { id };
}

/** Minutes typed by the clerk (or moderator): a speaker and a summary of what they said. */
export async function postMinutes(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	const user = requireConsole(viewer);
	const { text, speaker } = parse(minutesSchema, input);
	const session = await requireOpen(ctx, sessionId);
	const id = newId();
	await ctx.db.transaction((tx) =>
		record(tx, sessionId, 'minutes', actorOfUser(user), {
			id,
			text,
			speaker: speaker || null,
			itemId: session.currentItemId
		})
	);
	ctx.realtime.transcriptChanged(sessionId);
	return { id };
}

/**
 * Closes a session: open votes close first (results recorded as if closed by hand), then the
 * session; from then on it is public and read-only.
 */
export async function closeSession(ctx: Ctx, viewer: Viewer, sessionId: string) {
	const user = requireConsole(viewer);
	if (user.role === 'clerk') throw forbidden('only a moderator closes a session');
	return closeSessionAs(ctx, sessionId, actorOfUser(user));
}

/**
 * The one close path, by hand or at a cloud session's end (actor `system`). Safe to race: the
 * session row is locked and a second close is refused with 409 `session_closed`, and each vote
 * close locks its vote, so nothing is recorded twice.
 */
export async function closeSessionAs(ctx: Ctx, sessionId: string, actor: Actor) {
	const session = await requireOpen(ctx, sessionId);
	for (const vote of await votes.listForSession(ctx.db, sessionId)) {
		if (vote.status !== 'open') continue;
		await closeVote(ctx, vote.id, actor).catch((error: unknown) => {
			// Closed meanwhile by someone else: its result is already recorded.
			if (!(error instanceof ServiceError && error.code === 'invalid_transition')) throw error;
		});
	}
	const snaps = await Promise.all(session.items.map((i) => snapshot(ctx, i.docName)));
	await ctx.db.transaction(async (tx) => {
		const [row] = await tx
			.select()
			.from(sessionsTable)
			.where(eq(sessionsTable.id, sessionId))
			.for('update');
		if (row?.status !== 'open')
			throw new ServiceError(409, 'session_closed', 'this session is closed');
		for (const [i, item] of session.items.entries()) {
			await checkpoint(tx, item, snaps[i]!, 'session_closed', actor);
		}
		await tx.update(sessionsTable).set({ status: 'closed' }).where(eq(sessionsTable.id, sessionId));
		await record(tx, sessionId, 'session_closed', actor, {
			items: session.items.map((i) => ({ id: i.id, title: i.title, status: i.status }))
		});
		await notify(
			tx,
			{ audience: 'session', sessionId },
			{
				kind: 'session_closed',
				text: `「${session.title}」已结束，可查看结果与记录`,
				url: `/s/${sessionId}`
			}
		);
	});
	ctx.log.info({ sessionId, by: actor.id }, 'session closed');
	ctx.realtime.sessionClosed(
		sessionId,
		session.items.map((i) => i.docName)
	);
	return (await sessions.find(ctx.db, sessionId))!;
}

export async function getTranscript(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string
): Promise<TranscriptView> {
	await sessionsService.get(ctx, viewer, sessionId);
	const entries = await transcript.list(ctx.db, sessionId);
	return { sessionId, entries, head: entries.at(-1)?.hash ?? '0'.repeat(64) };
}
