/** Cloud sessions, deadlines, the notification feed and Web Push (REFERENCE.md §6). */
import * as v from 'valibot';

const isoWithOffset = v.pipe(v.string(), v.isoTimestamp('an ISO 8601 time with its offset'));

export const extendSessionSchema = v.object({ closesAt: isoWithOffset });
export type ExtendSessionInput = v.InferOutput<typeof extendSessionSchema>;

export const readNotificationsSchema = v.object({
	upTo: v.pipe(v.number('upTo: a notification id'), v.integer(), v.minValue(0))
});

export const pushSubscriptionSchema = v.object({
	endpoint: v.pipe(v.string(), v.url('endpoint: a URL'), v.maxLength(2000)),
	keys: v.object({
		p256dh: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
		auth: v.pipe(v.string(), v.minLength(1), v.maxLength(100))
	})
});
export type PushSubscriptionInput = v.InferOutput<typeof pushSubscriptionSchema>;

export const pushUnsubscribeSchema = v.object({
	endpoint: v.pipe(v.string(), v.minLength(1), v.maxLength(2000))
});

/** Kinds of notification this issue writes (others may add their own). */
export type NotificationKind =
	| 'vote_opened'
	| 'vote_closed'
	| 'session_extended'
	| 'session_closing'
	| 'session_closed'
	| 'escalation_answered';

/** One entry of a reader's feed (`GET /api/v1/notifications`). */
export interface FeedItem {
	id: number;
	kind: string;
	at: string;
	sessionId?: string;
	itemId?: string;
	/** The sentence, in the reader's language when the feed knows the kind. */
	text: string;
	/** The words of the sentence, by name (`src/lib/notice-text.ts`). */
	params?: Record<string, string>;
	/** Where the entry links to: a path under ORIGIN. */
	url?: string;
}

export interface FeedView {
	unread: number;
	items: FeedItem[];
}
