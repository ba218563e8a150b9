/**
 * Work that falls due by the clock for cloud negotiation (REFERENCE.md §6): votes that reach their
 * deadline close, cloud sessions that reach their end close, and a session closing within 24 h
 * tells its members once. Each close goes through the same path as a close by hand, with the
 * `system` actor; the row locks there make a manual close racing this one record only once.
 * Whatever fell due while the server was down runs at the first pass after start.
 */
import { notice } from '$lib/notice-text';
import { closingSoonAt, formatShanghai } from '$lib/deadlines';
import type { Job } from '../scheduler';
import * as due from '../db/deadlines';
import * as notificationsDb from '../db/notifications';
import * as sessionState from '../db/session-state';
import type { Ctx } from './context';
import { closeSessionAs } from './disclosure';
import { ServiceError } from './errors';
import { notify } from './notifications';
import { systemActor } from './transcript';
import { closeVote } from './votes';

/** A close that lost the race to another (manual or concurrent) close is not an error. */
function alreadyDone(error: unknown): boolean {
	return (
		error instanceof ServiceError &&
		(error.code === 'invalid_transition' || error.code === 'session_closed')
	);
}

export async function closeDueVotes(ctx: Ctx, now: Date): Promise<Date | null> {
	for (const id of await due.dueVoteIds(ctx.db, now)) {
		await closeVote(ctx, id, systemActor).catch((error: unknown) => {
			if (!alreadyDone(error)) throw error;
		});
	}
	return due.nextVoteDeadline(ctx.db, now);
}

export async function closeDueSessions(ctx: Ctx, now: Date): Promise<Date | null> {
	for (const id of await due.dueSessionIds(ctx.db, now)) {
		await closeSessionAs(ctx, id, systemActor).catch((error: unknown) => {
			if (!alreadyDone(error)) throw error;
		});
	}
	return due.nextSessionEnd(ctx.db, now);
}

/**
 * "Closes within 24 h", once per end time: an extension moves the end, and the members are
 * told again when the new end comes near.
 */
export async function announceClosingSoon(ctx: Ctx, now: Date): Promise<Date | null> {
	const open = await due.openWithEnd(ctx.db);
	let next: Date | null = null;
	for (const session of open) {
		const closesAt = session.closesAt!;
		const from = closingSoonAt(closesAt);
		if (closesAt <= now) continue;
		if (from > now) {
			if (!next || from < next) next = from;
			continue;
		}
		await ctx.db.transaction(async (tx) => {
			// The session row lock serializes two passes (or two processes) over the same session.
			await sessionState.lock(tx, session.id);
			if (await notificationsDb.sentToSessionSince(tx, session.id, 'session_closing', from)) return;
			await notify(
				tx,
				{ audience: 'session', sessionId: session.id },
				{
					...notice('session_closing', { title: session.title, at: formatShanghai(closesAt) }),
					url: `/s/${session.id}`,
					at: now
				}
			);
		});
	}
	return next;
}

/** The scheduler jobs of this deadlines (registered in app.ts `dueJobs`). */
export function deadlineJobs(ctx: Ctx): Job[] {
	return [
		// Votes first: a vote due at the session's end closes by its own deadline.
		{ name: 'vote deadlines', run: (now) => closeDueVotes(ctx, now) },
		{ name: 'closing soon', run: (now) => announceClosingSoon(ctx, now) },
		{ name: 'session ends', run: (now) => closeDueSessions(ctx, now) }
	];
}
