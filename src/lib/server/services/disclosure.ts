/** Statements, minutes, closing a session and reading its transcript (REFERENCE.md §4). */
import { notice } from '$lib/notice-text';
import { minutesSchema, statementSchema, type TranscriptView } from '$lib/protocol';
import * as sessionState from '../db/session-state';
import * as sessions from '../db/sessions';
import * as transcript from '../db/transcript';
import * as votes from '../db/votes';
import { newId } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError } from './errors';
import { requireCan } from '../access/check';
import { checkpoint, snapshot } from './proposals';
import * as sessionsService from './sessions';
import { actorOf, actorOfUser, record } from './transcript';
import { closeVote } from './votes';
import { notify } from './notifications';
import type { Actor } from '../domain/transcript';
import { isStaffOf } from './trust-access';
import { latestSigned, signCurrentHead } from './transparency';
import { recordWords, withContent } from './words';
import { participantCanWrite, requireStarted } from './session-access';

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
	requireStarted(session);
	const { participant } = await sessionsService.enterRoom(ctx, viewer, sessionId);
	if (!participantCanWrite(participant, session.status)) {
		throw forbidden(
			participant.status === 'muted' ? 'you have been muted' : 'observers cannot post statements'
		);
	}
	const id = newId();
	await ctx.db.transaction((tx) =>
		recordWords(
			tx,
			sessionId,
			'statement',
			actorOf(participant),
			{ id, itemId: session.currentItemId },
			{ kind: 'statement', id, authorId: participant.id, text }
		)
	);
	ctx.realtime.transcriptChanged(sessionId);
	return { id };
}

/** Minutes typed by the clerk (or moderator): a speaker and a summary of what they said. */
export async function postMinutes(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	const { text, speaker } = parse(minutesSchema, input);
	const session = await requireOpen(ctx, sessionId);
	const id = newId();
	await ctx.db.transaction((tx) =>
		recordWords(
			tx,
			sessionId,
			'minutes',
			actorOfUser(user),
			{ id, speaker: speaker || null, itemId: session.currentItemId },
			{ kind: 'minutes', id, authorId: null, text }
		)
	);
	ctx.realtime.transcriptChanged(sessionId);
	return { id };
}

/**
 * Closes a session: open votes close first (results recorded as if closed by hand), then the
 * session; from then on it is public and read-only.
 */
export async function closeSession(ctx: Ctx, viewer: Viewer, sessionId: string) {
	const user = await requireCan(ctx, viewer, 'session.run', { sessionId });
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
		const row = await sessionState.lock(tx, sessionId);
		if (row?.status !== 'open')
			throw new ServiceError(409, 'session_closed', 'this session is closed');
		for (const [i, item] of session.items.entries()) {
			await checkpoint(tx, item, snaps[i]!, 'session_closed', actor);
		}
		await sessionState.markClosed(tx, sessionId);
		// Read again: closing the open votes above may have settled an item's status.
		const settled = (await sessions.find(tx, sessionId))?.items ?? session.items;
		await record(tx, sessionId, 'session_closed', actor, {
			items: settled.map((i) => ({ id: i.id, title: i.title, status: i.status }))
		});
		await notify(
			tx,
			{ audience: 'session', sessionId },
			{
				...notice('session_closed', { title: session.title }),
				url: `/s/${sessionId}`
			}
		);
	});
	ctx.log.info({ sessionId, by: actor.id }, 'session closed');
	// The final head is signed at once (a failure leaves it to the periodic signer).
	await signCurrentHead(ctx, sessionId).catch((err: unknown) =>
		ctx.log.error({ err, sessionId }, 'signing the closing head failed')
	);
	ctx.realtime.sessionClosed(
		sessionId,
		session.items.map((i) => i.docName)
	);
	return (await sessions.find(ctx.db, sessionId))!;
}

export async function getTranscript(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	opts: { sign?: boolean; after?: string | null } = {}
): Promise<TranscriptView> {
	const after = afterSeq(opts.after);
	const session = await sessionsService.get(ctx, viewer, sessionId);
	const staff = isStaffOf(viewer, session.communityId);
	const entries = await withContent(
		ctx.db,
		sessionId,
		await transcript.list(ctx.db, sessionId, after),
		staff
	);
	// A tail read (`?after=`) still answers the whole chain's head, so a reader that appends the
	// tail to what it holds can check it ends where the server's chain does.
	const head = after ? await transcript.head(ctx.db, sessionId) : null;
	const headHash = head?.hash ?? entries.at(-1)?.hash ?? '0'.repeat(64);
	const empty = head ? head.seq === 0 : !entries.length;
	// A head read through the API is a head signed: whoever saves the answer holds a head the
	// log witnessed. Pages show the newest one signed (at close, or by the periodic signer).
	const signedHead = empty
		? null
		: opts.sign
			? await signCurrentHead(ctx, sessionId)
			: await latestSigned(ctx, sessionId);
	const view: TranscriptView = {
		sessionId,
		origin: ctx.config.origin,
		entries,
		head: headHash,
		signedHead
	};
	if (after) view.after = after;
	return view;
}

/** `?after=<seq>`: absent or empty reads from entry 1; anything but a whole number ≥ 0 is refused. */
function afterSeq(raw: string | null | undefined): number {
	if (raw === null || raw === undefined || raw === '') return 0;
	const after = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
	if (!Number.isSafeInteger(after))
		throw new ServiceError(400, 'invalid_payload', 'after: a whole number ≥ 0');
	return after;
}
