import { and, asc, eq, inArray, isNotNull, isNull, lte } from 'drizzle-orm';
import type { Db } from './client';
import { escalations, items } from './schema';

const UNANSWERED = ['submitted', 'accepted', 'in_progress'] as const;

/** Unanswered cases whose reminder may be due by `dueBy` (deadline within the hour or past). */
export async function candidates(db: Db, dueBy: Date, limit: number) {
	return db
		.select({
			id: escalations.id,
			streetId: escalations.streetId,
			communityId: escalations.communityId,
			status: escalations.status,
			deadline: escalations.deadline,
			answeredAt: escalations.answeredAt,
			dueSoonToldAt: escalations.dueSoonToldAt,
			overdueToldAt: escalations.overdueToldAt,
			title: items.title
		})
		.from(escalations)
		.innerJoin(items, eq(items.id, escalations.itemId))
		.where(
			and(
				inArray(escalations.status, [...UNANSWERED]),
				isNull(escalations.overdueToldAt),
				lte(escalations.deadline, dueBy)
			)
		)
		.orderBy(asc(escalations.deadline))
		.limit(limit);
}

/** Marks a reminder told; false when another pass (or node) told it first. */
export async function markTold(
	db: Db,
	id: string,
	which: 'due_soon' | 'overdue',
	now: Date
): Promise<boolean> {
	const column = which === 'due_soon' ? escalations.dueSoonToldAt : escalations.overdueToldAt;
	const set = which === 'due_soon' ? { dueSoonToldAt: now } : { overdueToldAt: now };
	const rows = await db
		.update(escalations)
		.set(set)
		.where(and(eq(escalations.id, id), isNull(column)))
		.returning({ id: escalations.id });
	return rows.length === 1;
}

/** The earliest deadline among unanswered cases whose due-soon reminder went out or not. */
export async function earliestDeadline(db: Db, dueSoonTold: boolean): Promise<Date | null> {
	const [row] = await db
		.select({ deadline: escalations.deadline })
		.from(escalations)
		.where(
			and(
				inArray(escalations.status, [...UNANSWERED]),
				isNull(escalations.overdueToldAt),
				dueSoonTold ? isNotNull(escalations.dueSoonToldAt) : isNull(escalations.dueSoonToldAt)
			)
		)
		.orderBy(asc(escalations.deadline))
		.limit(1);
	return row?.deadline ?? null;
}
