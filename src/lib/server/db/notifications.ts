import type { Db } from './client';
import { notifications } from './schema';

export type Notification = typeof notifications.$inferSelect;
export type NewNotification = Omit<typeof notifications.$inferInsert, 'id'>;

export async function insert(db: Db, row: NewNotification): Promise<Notification> {
	const [inserted] = await db.insert(notifications).values(row).returning();
	return inserted!;
}
