/**
 * Work that falls due by the clock for cloud negotiation (REFERENCE.md §6): votes that reach their
 * deadline close, cloud sessions that reach their end close, and a session closing within 24 h
 * tells its members once. Each close goes through the same path as a close by hand, with the
 * `system` actor; the row locks there make a manual close racing this one record only once.
 * Whatever fell due while the server was down runs at the first pass after start.
 */
import { notice } from '$lib/notice-text';
import { and, asc, eq, gt, gte, isNotNull, lte } from 'drizzle-orm';
import { closingSoonAt, formatShanghai } from '$lib/deadlines';
import type { Job } from '../scheduler';
import { notifications, sessions, votes } from '../db/schema';
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
	const due = await ctx.db
		.select({ id: votes.id })
		.from(votes)
		.where(and(eq(votes.status, 'open'), lte(votes.closesAt, now)))
		.orderBy(asc(votes.closesAt));
	for (const { id } of due) {
		await closeVote(ctx, id, systemActor).catch((error: unknown) => {
			if (!alreadyDone(error)) throw error;
		});
	}
	const [next] = await ctx.db
		.select({ at: votes.closesAt })
		.from(votes)
		.where(and(eq(votes.status, 'open'), gt(votes.closesAt, now)))
		.orderBy(asc(votes.closesAt))
		.limit(1);
	return next?.at ?? null;
}

export async function closeDueSessions(ctx: Ctx, now: Date): Promise<Date | null> {
	const due = await ctx.db
		.select({ id: sessions.id })
		.from(sessions)
		.where(
			and(eq(sessions.status, 'open'), eq(sessions.kind, 'cloud'), lte(sessions.closesAt, now))
		);
	for (const { id } of due) {
		await closeSessionAs(ctx, id, systemActor).catch((error: unknown) => {
			if (!alreadyDone(error)) throw error;
		});
	}
	const [next] = await ctx.db
		.select({ at: sessions.closesAt })
		.from(sessions)
		.where(and(eq(sessions.status, 'open'), eq(sessions.kind, 'cloud'), gt(sessions.closesAt, now)))
		.orderBy(asc(sessions.closesAt))
		.limit(1);
	return next?.at ?? null;
}

/**
 * "Closes within 24 h", once per end time: an extension moves the end, and the members are
 * told again when the new end comes near.
 */
export async function announceClosingSoon(ctx: Ctx, now: Date): Promise<Date | null> {
	const open = await ctx.db
		.select()
		.from(sessions)
		.where(
			and(eq(sessions.status, 'open'), eq(sessions.kind, 'cloud'), isNotNull(sessions.closesAt))
		);
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
			await tx
				.select({ id: sessions.id })
				.from(sessions)
				.where(eq(sessions.id, session.id))
				.for('update');
			const [sent] = await tx
				.select({ id: notifications.id })
				.from(notifications)
				.where(
					and(
						eq(notifications.sessionId, session.id),
						eq(notifications.kind, 'session_closing'),
						gte(notifications.at, from)
					)
				)
				.limit(1);
			if (sent) return;
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
