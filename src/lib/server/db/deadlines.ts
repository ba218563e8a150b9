/**
 * What falls due by the clock (services/deadlines.ts): open votes past their deadline, open
 * cloud sessions past their end, and the next of each still ahead.
 */
import { and, asc, eq, gt, isNotNull, lte } from 'drizzle-orm';
import type { Db } from './client';
import { sessions, votes } from './schema';
import type { Session } from './sessions';

const openCloud = () => and(eq(sessions.status, 'open'), eq(sessions.kind, 'cloud'));

/** Open votes whose deadline has come, earliest first. */
export async function dueVoteIds(db: Db, now: Date): Promise<string[]> {
	const rows = await db
		.select({ id: votes.id })
		.from(votes)
		.where(and(eq(votes.status, 'open'), lte(votes.closesAt, now)))
		.orderBy(asc(votes.closesAt));
	return rows.map((r) => r.id);
}

/** The earliest deadline of an open vote after `now`. */
export async function nextVoteDeadline(db: Db, now: Date): Promise<Date | null> {
	const [next] = await db
		.select({ at: votes.closesAt })
		.from(votes)
		.where(and(eq(votes.status, 'open'), gt(votes.closesAt, now)))
		.orderBy(asc(votes.closesAt))
		.limit(1);
	return next?.at ?? null;
}

/** Open cloud sessions whose end has come. */
export async function dueSessionIds(db: Db, now: Date): Promise<string[]> {
	const rows = await db
		.select({ id: sessions.id })
		.from(sessions)
		.where(and(openCloud(), lte(sessions.closesAt, now)));
	return rows.map((r) => r.id);
}

/** The earliest end of an open cloud session after `now`. */
export async function nextSessionEnd(db: Db, now: Date): Promise<Date | null> {
	const [next] = await db
		.select({ at: sessions.closesAt })
		.from(sessions)
		.where(and(openCloud(), gt(sessions.closesAt, now)))
		.orderBy(asc(sessions.closesAt))
		.limit(1);
	return next?.at ?? null;
}

/** Open cloud sessions that have an end. */
export function openWithEnd(db: Db): Promise<Session[]> {
	return db
		.select()
		.from(sessions)
		.where(and(openCloud(), isNotNull(sessions.closesAt)));
}
