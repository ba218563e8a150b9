import { and, count, desc, eq, gt, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import {
	communityMembers,
	notificationCursors,
	notifications,
	participants,
	pushSubscriptions,
	settings,
	users
} from './schema';

export type Notification = typeof notifications.$inferSelect;
export type NewNotification = Omit<typeof notifications.$inferInsert, 'id'>;
export type PushSubscriptionRow = typeof pushSubscriptions.$inferSelect;

export async function insert(db: Db, row: NewNotification): Promise<Notification> {
	const [inserted] = await db.insert(notifications).values(row).returning();
	return inserted!;
}

/** Whether a session was already sent a notification of this kind at or after `since`. */
export async function sentToSessionSince(
	db: Db,
	sessionId: string,
	kind: string,
	since: Date
): Promise<boolean> {
	const [sent] = await db
		.select({ id: notifications.id })
		.from(notifications)
		.where(
			and(
				eq(notifications.sessionId, sessionId),
				eq(notifications.kind, kind),
				gte(notifications.at, since)
			)
		)
		.limit(1);
	return sent !== undefined;
}

/** Who reads a feed: the device's auth session, the account, and whether it is staff. */
export interface Reader {
	authSessionId: string | null;
	userId: string | null;
	staff: boolean;
}

/** Matches the participant rows / community members that are this reader's. */
function mine(
	table: typeof participants | typeof communityMembers,
	reader: Reader
): SQL | undefined {
	return or(
		reader.authSessionId ? eq(table.authSessionId, reader.authSessionId) : undefined,
		reader.userId ? eq(table.userId, reader.userId) : undefined
	);
}

/**
 * The notifications whose audience this reader belongs to. Session and community audiences
 * count only from when the reader joined: a newcomer's feed does not start full of old news.
 */
function feedOf(reader: Reader): SQL {
	const n = notifications;
	const p = participants;
	const m = communityMembers;
	const none = sql`false`;
	const ownParticipant = mine(p, reader) ?? none;
	const ownMember = mine(m, reader) ?? none;
	return (
		or(
			and(
				eq(n.audience, 'session'),
				sql`exists (select 1 from ${p} where ${p.sessionId} = ${n.sessionId} and ${p.status} <> 'removed' and ${p.createdAt} <= ${n.at} and (${ownParticipant}))`
			),
			and(
				eq(n.audience, 'participant'),
				sql`${n.participantId} in (select ${p.id} from ${p} where ${ownParticipant})`
			),
			and(
				eq(n.audience, 'community'),
				reader.staff
					? sql`true`
					: sql`exists (select 1 from ${m} where ${m.communityId} = ${n.communityId} and ${m.createdAt} <= ${n.at} and (${ownMember}))`
			),
			and(
				eq(n.audience, 'member'),
				sql`${n.memberId} in (select ${m.id} from ${m} where ${ownMember})`
			),
			reader.userId ? and(eq(n.audience, 'user'), eq(n.userId, reader.userId)) : undefined
		) ?? none
	);
}

export async function feed(
	db: Db,
	reader: Reader,
	opts: { limit: number; before?: number }
): Promise<Notification[]> {
	return db
		.select()
		.from(notifications)
		.where(and(feedOf(reader), opts.before ? lt(notifications.id, opts.before) : undefined))
		.orderBy(desc(notifications.id))
		.limit(opts.limit);
}

export async function countAfter(db: Db, reader: Reader, afterId: number): Promise<number> {
	const [row] = await db
		.select({ n: count() })
		.from(notifications)
		.where(and(feedOf(reader), gt(notifications.id, afterId)));
	return Number(row?.n ?? 0);
}

export async function cursorOf(db: Db, recipient: string): Promise<number> {
	const [row] = await db
		.select()
		.from(notificationCursors)
		.where(eq(notificationCursors.recipient, recipient));
	return row?.upTo ?? 0;
}

/** Moves a read cursor forward; never back (a stale tab cannot mark news unread again). */
export async function advanceCursor(db: Db, recipient: string, upTo: number): Promise<void> {
	await db
		.insert(notificationCursors)
		.values({ recipient, upTo })
		.onConflictDoUpdate({
			target: notificationCursors.recipient,
			set: { upTo: sql`greatest(${notificationCursors.upTo}, excluded.up_to)` }
		});
}

/** Notifications written after `afterId` (the fan-out to sockets and push services). */
export async function after(db: Db, afterId: number, limit = 200): Promise<Notification[]> {
	return db
		.select()
		.from(notifications)
		.where(gt(notifications.id, afterId))
		.orderBy(notifications.id)
		.limit(limit);
}

export async function maxId(db: Db): Promise<number> {
	const [row] = await db
		.select({ id: sql<number | null>`max(${notifications.id})` })
		.from(notifications);
	return Number(row?.id ?? 0);
}

/**
 * The read-cursor keys (`user:<id>` / `device:<authSessionId>`) of everyone a notification
 * reaches, for Web Push.
 */
export async function recipientsOf(db: Db, n: Notification): Promise<string[]> {
	const keys = new Set<string>();
	const addPeople = (rows: { userId: string | null; authSessionId: string | null }[]) => {
		// Both keys: a phone signed in with an account subscribes as `user:`, one without as
		// `device:`; a row may know either or both.
		for (const r of rows) {
			if (r.userId) keys.add(`user:${r.userId}`);
			if (r.authSessionId) keys.add(`device:${r.authSessionId}`);
		}
	};
	const cols = { userId: participants.userId, authSessionId: participants.authSessionId };
	const memberCols = {
		userId: communityMembers.userId,
		authSessionId: communityMembers.authSessionId
	};
	if (n.audience === 'session' && n.sessionId) {
		addPeople(
			await db
				.select(cols)
				.from(participants)
				.where(
					and(eq(participants.sessionId, n.sessionId), sql`${participants.status} <> 'removed'`)
				)
		);
	} else if (n.audience === 'participant' && n.participantId) {
		addPeople(await db.select(cols).from(participants).where(eq(participants.id, n.participantId)));
	} else if (n.audience === 'community' && n.communityId) {
		addPeople(
			await db
				.select(memberCols)
				.from(communityMembers)
				.where(eq(communityMembers.communityId, n.communityId))
		);
		const staff = await db
			.select({ id: users.id })
			.from(users)
			.where(inArray(users.role, ['admin', 'moderator', 'clerk']));
		for (const s of staff) keys.add(`user:${s.id}`);
	} else if (n.audience === 'member' && n.memberId) {
		addPeople(
			await db.select(memberCols).from(communityMembers).where(eq(communityMembers.id, n.memberId))
		);
	} else if (n.audience === 'user' && n.userId) {
		keys.add(`user:${n.userId}`);
	}
	return [...keys];
}

export async function subscriptionsOf(
	db: Db,
	recipients: string[]
): Promise<PushSubscriptionRow[]> {
	if (recipients.length === 0) return [];
	return db
		.select()
		.from(pushSubscriptions)
		.where(inArray(pushSubscriptions.recipient, recipients));
}

export async function putSubscription(
	db: Db,
	row: Omit<typeof pushSubscriptions.$inferInsert, 'createdAt'>
): Promise<void> {
	await db
		.insert(pushSubscriptions)
		.values(row)
		.onConflictDoUpdate({
			target: pushSubscriptions.endpoint,
			set: {
				recipient: row.recipient,
				p256dh: row.p256dh,
				auth: row.auth,
				...(row.locale ? { locale: row.locale } : {})
			}
		});
}

export async function deleteSubscription(
	db: Db,
	endpoint: string,
	recipient?: string
): Promise<boolean> {
	const rows = await db
		.delete(pushSubscriptions)
		.where(
			and(
				eq(pushSubscriptions.endpoint, endpoint),
				recipient ? eq(pushSubscriptions.recipient, recipient) : undefined
			)
		)
		.returning({ endpoint: pushSubscriptions.endpoint });
	return rows.length > 0;
}

export async function getSetting<T>(db: Db, key: string): Promise<T | null> {
	const [row] = await db.select().from(settings).where(eq(settings.key, key));
	return (row?.value as T) ?? null;
}

export async function putSetting(db: Db, key: string, value: unknown): Promise<void> {
	await db
		.insert(settings)
		.values({ key, value })
		.onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: sql`now()` } });
}

/** Inserts a setting only if absent (two processes racing keep the first); returns the kept one. */
export async function putSettingOnce<T>(db: Db, key: string, value: T): Promise<T> {
	await db.insert(settings).values({ key, value }).onConflictDoNothing();
	return (await getSetting<T>(db, key))!;
}
