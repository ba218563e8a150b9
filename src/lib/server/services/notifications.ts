/**
 * The notification feed (REFERENCE.md §6): one row per event with its audience — a session's
 * members, one participant, a community's members, or one account. Written in the caller's
 * transaction, next to the change it reports; once committed, the fan-out below tells the
 * room's sockets and sends Web Push, never inside the transaction or the request.
 */
import * as v from 'valibot';
import { readNotificationsSchema, type FeedItem, type FeedView } from '$lib/protocol/cloud';
import type { Db } from '../db/client';
import * as notificationsDb from '../db/notifications';
import * as clock from '../clock';
import { noticeText } from '$lib/notice-text';
import type { Ctx, Viewer } from './context';
import { parse, ServiceError } from './errors';
import * as channels from './channels';
import * as push from './push';
import { readerOf, recipientOf } from './recipients';

export type Audience =
	| { audience: 'session'; sessionId: string }
	| { audience: 'participant'; participantId: string; sessionId?: string }
	| { audience: 'community'; communityId: string }
	| { audience: 'member'; memberId: string; communityId?: string }
	| { audience: 'user'; userId: string };

export interface NewNotice {
	kind: string;
	/** The zh-CN sentence (`notice()` of src/lib/notice-text.ts), for readers of no known kind. */
	text: string;
	/** Its words, to say it again in the reader's language (`notice()` of src/lib/notice-text.ts). */
	params?: object;
	itemId?: string;
	/** Where the feed links to (a path under ORIGIN). */
	url?: string;
	at?: Date;
}

/** Wakes the fan-out soon after a write (it also polls, so a kick before commit is harmless). */
const KICK = Symbol.for('yishi.notifications.kick');
type KickHolder = { [KICK]?: () => void };

export async function notify(db: Db, to: Audience, notice: NewNotice) {
	const row = await notificationsDb.insert(db, {
		kind: notice.kind,
		audience: to.audience,
		sessionId: 'sessionId' in to ? (to.sessionId ?? null) : null,
		participantId: to.audience === 'participant' ? to.participantId : null,
		communityId: 'communityId' in to ? (to.communityId ?? null) : null,
		memberId: to.audience === 'member' ? to.memberId : null,
		userId: to.audience === 'user' ? to.userId : null,
		itemId: notice.itemId ?? null,
		text: notice.text,
		params: notice.params ?? null,
		url: notice.url ?? null,
		at: notice.at ?? clock.now()
	});
	// In the same transaction: the group's message exists exactly when the notification does.
	await channels.forNotification(db, row);
	(globalThis as KickHolder)[KICK]?.();
	return row;
}

export function toFeedItem(n: notificationsDb.Notification): FeedItem {
	return {
		id: n.id,
		kind: n.kind,
		at: n.at.toISOString(),
		...(n.sessionId ? { sessionId: n.sessionId } : {}),
		...(n.itemId ? { itemId: n.itemId } : {}),
		text: n.text,
		...(n.params ? { params: n.params as Record<string, string> } : {}),
		...(n.url ? { url: n.url } : {})
	};
}

const feedQuerySchema = v.object({
	before: v.optional(
		v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'before: a notification id'), v.transform(Number))
	)
});

/** A reader's feed, newest first, and how many entries they have not read. */
export async function feed(
	ctx: Ctx,
	viewer: Viewer,
	query: { before?: string | null } = {}
): Promise<FeedView> {
	const reader = readerOf(viewer);
	const { before } = parse(feedQuerySchema, { before: query.before ?? undefined });
	const upTo = await notificationsDb.cursorOf(ctx.db, recipientOf(viewer));
	const [rows, unread] = await Promise.all([
		notificationsDb.feed(ctx.db, reader, { limit: 50, before }),
		notificationsDb.countAfter(ctx.db, reader, upTo)
	]);
	// Said in the reader's language (the request's locale), from the words kept with each row.
	const items = rows.map(toFeedItem).map((item) => ({
		...item,
		text: noticeText(item.kind, item.params, item.text)
	}));
	return { unread, items };
}

/** Only the unread count (badges on the home page and the room header). */
export async function unreadCount(ctx: Ctx, viewer: Viewer): Promise<number> {
	const upTo = await notificationsDb.cursorOf(ctx.db, recipientOf(viewer));
	return notificationsDb.countAfter(ctx.db, readerOf(viewer), upTo);
}

/** Marks everything up to an id as read; the cursor never moves back. */
export async function markRead(ctx: Ctx, viewer: Viewer, input: unknown): Promise<void> {
	const recipient = recipientOf(viewer);
	const { upTo } = parse(readNotificationsSchema, input);
	if (!Number.isSafeInteger(upTo))
		throw new ServiceError(400, 'invalid_payload', 'upTo: too large');
	await notificationsDb.advanceCursor(ctx.db, recipient, upTo);
}

const FANOUT_KEY = 'notification_fanout';

/**
 * Tells sockets and push services about committed notifications, in id order, once each. Its
 * position is kept in `settings`, so after a restart it resumes without resending; on a new
 * database it starts at the newest row (history is not pushed).
 */
export function createFanout(ctx: Ctx, pollMs = 1_000) {
	let cursor: number | null = null;
	let running: Promise<void> | null = null;
	let again = false;
	let stopped = false;

	const pass = async () => {
		if (cursor === null) {
			const saved = await notificationsDb.getSetting<{ upTo: number }>(ctx.db, FANOUT_KEY);
			cursor = saved?.upTo ?? (await notificationsDb.maxId(ctx.db));
		}
		const rows = await notificationsDb.after(ctx.db, cursor);
		if (rows.length === 0) return;
		for (const n of rows) {
			ctx.realtime.notified({
				audience: n.audience,
				sessionId: n.sessionId,
				participantId: n.participantId,
				item: toFeedItem(n)
			});
		}
		cursor = rows.at(-1)!.id;
		await notificationsDb.putSetting(ctx.db, FANOUT_KEY, { upTo: cursor });
		for (const n of rows) {
			const recipients = await notificationsDb.recipientsOf(ctx.db, n);
			void push.send(ctx, recipients, {
				id: n.id,
				kind: n.kind,
				params: n.params,
				text: n.text,
				url: n.url ?? '/notifications'
			});
		}
	};

	const run = (): Promise<void> => {
		if (stopped) return Promise.resolve();
		if (running) {
			again = true;
			return running;
		}
		running = (async () => {
			do {
				again = false;
				try {
					await pass();
				} catch (err) {
					ctx.log.error({ err }, 'notification fan-out failed');
				}
			} while (again && !stopped);
			running = null;
		})();
		return running;
	};

	const timer = setInterval(() => void run(), pollMs);
	timer.unref();
	(globalThis as KickHolder)[KICK] = () => setTimeout(() => void run(), 20).unref();
	return {
		run,
		async stop() {
			stopped = true;
			clearInterval(timer);
			delete (globalThis as KickHolder)[KICK];
			await running;
		}
	};
}
