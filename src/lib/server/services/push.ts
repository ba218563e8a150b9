/**
 * Web Push (RFC 8030, payloads encrypted per RFC 8291 `aes128gcm`, VAPID per RFC 8292) for
 * browsers that offer it. WeChat's webview does not: the feed stays the way there. Sending
 * happens after the notification committed, off the request path; a push service answering
 * 404/410 means the browser dropped the subscription, so we drop it too.
 */
import { m } from '$lib/paraglide/messages.js';
import { baseLocale, isLocale, type Locale } from '$lib/paraglide/runtime.js';
import { noticeText } from '$lib/notice-text';
import webpush from 'web-push';
import { pushSubscriptionSchema, pushUnsubscribeSchema } from '$lib/protocol/cloud';
import * as notificationsDb from '../db/notifications';
import type { Ctx, Viewer } from './context';
import { parse, ServiceError } from './errors';
import { recipientOf } from './recipients';

interface VapidKeys {
	publicKey: string;
	privateKey: string;
}

const keysByDb = new WeakMap<object, Promise<VapidKeys>>();

/** The VAPID key pair: from the environment, else generated once and kept in `settings`. */
export function vapidKeys(ctx: Ctx): Promise<VapidKeys> {
	const { vapidPublicKey, vapidPrivateKey } = ctx.config;
	if (vapidPublicKey && vapidPrivateKey)
		return Promise.resolve({ publicKey: vapidPublicKey, privateKey: vapidPrivateKey });
	let keys = keysByDb.get(ctx.db);
	if (!keys) {
		keys = (async () => {
			const stored = await notificationsDb.getSetting<VapidKeys>(ctx.db, 'vapid');
			return stored ?? notificationsDb.putSettingOnce(ctx.db, 'vapid', webpush.generateVAPIDKeys());
		})();
		keys.catch(() => keysByDb.delete(ctx.db));
		keysByDb.set(ctx.db, keys);
	}
	return keys;
}

/** Push services are https; plain http to this machine only for tests with the test clock. */
function endpointAllowed(ctx: Ctx, endpoint: string): boolean {
	const url = new URL(endpoint);
	if (url.protocol === 'https:') return true;
	return ctx.config.testClock && url.protocol === 'http:' && url.hostname === '127.0.0.1';
}

/** Keeps a browser's subscription; `locale`: the language it subscribed in (its pushes use it). */
export async function subscribe(
	ctx: Ctx,
	viewer: Viewer,
	input: unknown,
	locale: Locale = baseLocale
) {
	const recipient = recipientOf(viewer);
	const body = parse(pushSubscriptionSchema, input);
	if (!endpointAllowed(ctx, body.endpoint))
		throw new ServiceError(400, 'invalid_endpoint', 'endpoint: must be an https URL');
	await notificationsDb.putSubscription(ctx.db, {
		endpoint: body.endpoint,
		recipient,
		p256dh: body.keys.p256dh,
		auth: body.keys.auth,
		locale
	});
	return { endpoint: body.endpoint };
}

export async function unsubscribe(ctx: Ctx, viewer: Viewer, input: unknown) {
	const recipient = recipientOf(viewer);
	const { endpoint } = parse(pushUnsubscribeSchema, input);
	await notificationsDb.deleteSubscription(ctx.db, endpoint, recipient);
}

/** What the service worker shows: a title, a line of text, and where a tap leads. */
export interface PushPayload {
	title: string;
	body: string;
	url: string;
	id: number;
}

/** A notification to push: said in each subscription's own language (src/lib/notice-text.ts). */
export interface PushNotice {
	id: number;
	kind: string;
	params: unknown;
	/** The zh-CN sentence, for a kind the table does not know. */
	text: string;
	url: string;
}

const asLocale = (value: string): Locale => (isLocale(value) ? value : baseLocale);

/** Sends one payload to every subscription of these recipients; failures are logged. */
export async function send(ctx: Ctx, recipients: string[], notice: PushNotice): Promise<void> {
	const subs = await notificationsDb.subscriptionsOf(ctx.db, recipients);
	if (subs.length === 0) return;
	const keys = await vapidKeys(ctx);
	await Promise.all(
		subs.map(async (sub) => {
			try {
				const locale = asLocale(sub.locale);
				const payload: PushPayload = {
					id: notice.id,
					title: m.push_title({}, { locale }),
					body: noticeText(notice.kind, notice.params, notice.text, locale),
					url: notice.url
				};
				const request = webpush.generateRequestDetails(
					{ endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
					JSON.stringify(payload),
					{
						vapidDetails: { subject: ctx.config.vapidSubject, ...keys },
						TTL: 24 * 3600,
						contentEncoding: 'aes128gcm'
					}
				);
				// web-push's own sender speaks https only; fetch sends the same request anywhere.
				const headers: Record<string, string> = {};
				for (const [name, value] of Object.entries(request.headers)) {
					if (name.toLowerCase() !== 'content-length') headers[name] = String(value);
				}
				const res = await fetch(request.endpoint, {
					method: request.method,
					headers,
					body: request.body ? new Uint8Array(request.body) : undefined,
					signal: AbortSignal.timeout(10_000)
				});
				if (res.status === 404 || res.status === 410) {
					await notificationsDb.deleteSubscription(ctx.db, sub.endpoint);
					ctx.log.info({ status: res.status }, 'push subscription gone, removed');
				} else if (!res.ok) {
					ctx.log.warn({ status: res.status }, 'push service refused a message');
				}
			} catch (err) {
				ctx.log.warn({ err }, 'push delivery failed');
			}
		})
	);
}
