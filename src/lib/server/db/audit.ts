import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from './client';
import { auditLog } from './schema';

export type AuditRow = typeof auditLog.$inferSelect;
export type AuditInsert = typeof auditLog.$inferInsert;

/** Appends one entry; the table refuses updates and deletes (drizzle/0008_tenancy_custom.sql). */
export async function append(db: Db, row: AuditInsert): Promise<void> {
	await db.insert(auditLog).values(row);
}

/** Newest first; `before` pages back by id. */
export async function list(
	db: Db,
	filter: { communityId?: string; before?: number; limit: number }
): Promise<AuditRow[]> {
	return db
		.select()
		.from(auditLog)
		.where(
			and(
				filter.communityId ? eq(auditLog.communityId, filter.communityId) : undefined,
				filter.before ? lt(auditLog.id, filter.before) : undefined
			)
		)
		.orderBy(desc(auditLog.id))
		.limit(filter.limit);
}
