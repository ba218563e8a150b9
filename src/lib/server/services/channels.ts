/**
 * A community's WeCom (企业微信) group robot: moderators set its webhook, notices worth the
 * residents' group are queued as messages in the transaction of the notification they carry,
 * and every node delivers due messages, each claimed by one pass (row lock, SKIP LOCKED, then
 * pushed past the claim) — the same way as the street webhooks (services/webhooks.ts). Text is
 * never built here: a message keeps the notification's kind and words and is said in the
 * community's language when it is sent (src/lib/channel-message.ts).
 */
import { shanghaiDate, shanghaiDayRange, shanghaiParts } from '$lib/deadlines';
import {
	isChannelKind,
	isWecomWebhook,
	maskWebhook,
	wecomMessage,
	type ChannelOnlyKind
} from '$lib/channel-message';
import { baseLocale, type Locale } from '$lib/paraglide/runtime.js';
import { communityChannelsSchema, type CommunityChannelsView } from '$lib/protocol/community';
import * as clock from '../clock';
import type { Db } from '../db/client';
import * as channelsDb from '../db/channels';
import type { Notification } from '../db/notifications';
import { newId } from '../ids';
import type { Job } from '../scheduler';
import { requireCan } from '../access/check';
import * as audit from './audit';
import { requireCommunity } from './community';
import type { Ctx, Viewer } from './context';
import { digestText } from './digest';
import { parse, ServiceError } from './errors';

/**
 * The language of a community's group messages. Communities have no language setting yet:
 * the deployment's base locale (zh-CN) is what residents' groups read.
 */
const COMMUNITY_LOCALE: Locale = baseLocale;

export const MAX_ATTEMPTS = 8;
/** Longer than one attempt may take (its 10 s timeout), so a claim never lapses mid-send. */
export const CLAIM_MS = 30_000;
/** The daily digest goes out at 20:00 Beijing time, when the day's discussion has happened. */
export const DIGEST_HOUR = 20;

// ---------------------------------------------------------------------------------------------
// Settings (moderators)

async function view(ctx: Ctx, communityId: string): Promise<CommunityChannelsView> {
	const [channel, rows] = await Promise.all([
		channelsDb.find(ctx.db, communityId),
		channelsDb.recent(ctx.db, communityId)
	]);
	return {
		communityId,
		wecomWebhook: channel?.wecomWebhook ? maskWebhook(channel.wecomWebhook) : null,
		wecomDigest: channel?.wecomDigest ?? false,
		deliveries: rows.map((r) => ({
			id: r.id,
			kind: r.kind,
			status: r.status,
			attempts: r.attempts,
			lastStatus: r.lastStatus,
			lastError: r.lastError,
			createdAt: r.createdAt.toISOString(),
			deliveredAt: r.deliveredAt?.toISOString() ?? null
		}))
	};
}

/** `GET /api/v1/communities/:id/channels` (moderators of the community, administrators). */
export async function settingsFor(ctx: Ctx, viewer: Viewer, communityId: string) {
	await requireCan(ctx, viewer, 'community.manage', { communityId });
	await requireCommunity(ctx, communityId);
	return view(ctx, communityId);
}

/** `PUT /api/v1/communities/:id/channels`: sets or clears the webhook, turns the digest on/off. */
export async function update(ctx: Ctx, viewer: Viewer, communityId: string, input: unknown) {
	await requireCan(ctx, viewer, 'community.manage', { communityId });
	const body = parse(communityChannelsSchema, input);
	if (body.wecomWebhook === undefined && body.wecomDigest === undefined)
		throw new ServiceError(400, 'invalid_payload', 'name wecomWebhook or wecomDigest to change');
	await requireCommunity(ctx, communityId);
	const webhook = body.wecomWebhook === '' ? null : body.wecomWebhook;
	if (webhook && !isWecomWebhook(webhook, ctx.config.testClock))
		throw new ServiceError(
			400,
			'invalid_webhook',
			'wecomWebhook: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<key>'
		);
	const current = await channelsDb.find(ctx.db, communityId);
	const next = {
		wecomWebhook: webhook === undefined ? (current?.wecomWebhook ?? null) : webhook,
		wecomDigest: body.wecomDigest ?? current?.wecomDigest ?? false
	};
	await channelsDb.put(ctx.db, communityId, next, clock.now());
	// The key is a secret: the log keeps only its masked form.
	await audit.logOn(ctx, viewer, 'community_channels_changed', { communityId }, communityId, {
		wecomWebhook: next.wecomWebhook ? maskWebhook(next.wecomWebhook) : null,
		wecomDigest: next.wecomDigest
	});
	ctx.log.info({ communityId, wecomDigest: next.wecomDigest }, 'community channels changed');
	return view(ctx, communityId);
}

/** `POST /api/v1/communities/:id/channels/test`: queues a test message to the group. */
export async function sendTest(ctx: Ctx, viewer: Viewer, communityId: string) {
	await requireCan(ctx, viewer, 'community.manage', { communityId });
	const community = await requireCommunity(ctx, communityId);
	const channel = await channelsDb.find(ctx.db, communityId);
	if (!channel?.wecomWebhook)
		throw new ServiceError(409, 'channel_not_set', 'set the WeCom webhook first');
	const id = newId();
	await queue(
		ctx.db,
		communityId,
		`test:${id}`,
		'channel_test',
		{ community: community.name },
		null,
		id
	);
	await audit.logOn(ctx, viewer, 'community_channel_tested', { communityId }, communityId, {});
	return { id, status: 'pending' as const };
}

// ---------------------------------------------------------------------------------------------
// Queueing

async function queue(
	db: Db,
	communityId: string,
	dedupeKey: string,
	kind: string | ChannelOnlyKind,
	params: object,
	url: string | null,
	id = newId()
): Promise<boolean> {
	return channelsDb.enqueue(db, {
		id,
		communityId,
		dedupeKey,
		kind,
		params,
		url,
		nextAttemptAt: clock.now()
	});
}

/**
 * Called by `notify` in the transaction that wrote the notification: a channel-worthy notice
 * for a whole session or community is queued for its group, once (keyed by the notification).
 */
export async function forNotification(db: Db, n: Notification): Promise<void> {
	if (!isChannelKind(n.kind) || n.params === null) return;
	const communityId =
		n.audience === 'community'
			? n.communityId
			: n.audience === 'session' && n.sessionId
				? await channelsDb.communityOfSession(db, n.sessionId)
				: null;
	if (!communityId) return;
	const channel = await channelsDb.find(db, communityId);
	if (!channel?.wecomWebhook) return;
	await queue(db, communityId, `notice:${n.id}`, n.kind, n.params as object, n.url);
}

/**
 * The daily digest for every community that asked for it, from 20:00 Beijing time on; the key
 * `digest:<community>:<day>` keeps it to one message a day whichever node's pass queues it.
 */
export function digestJob(ctx: Ctx): Job {
	return {
		name: 'wecom-digest',
		async run(now) {
			const day = shanghaiDate(now);
			const today = shanghaiDayRange(day)!;
			const sendAt = new Date(today.start.getTime() + DIGEST_HOUR * 3_600_000);
			if (shanghaiParts(now).hour < DIGEST_HOUR) return sendAt;
			for (const channel of await channelsDb.withDigest(ctx.db)) {
				const sessionIds = await channelsDb.digestSessions(ctx.db, channel.communityId, today);
				if (sessionIds.length === 0) continue;
				const texts: string[] = [];
				for (const id of sessionIds) texts.push(await digestText(ctx, id, day, COMMUNITY_LOCALE));
				await queue(
					ctx.db,
					channel.communityId,
					`digest:${channel.communityId}:${day}`,
					'digest',
					{ text: texts.join('\n') },
					null
				);
			}
			return new Date(sendAt.getTime() + 86_400_000);
		}
	};
}

// ---------------------------------------------------------------------------------------------
// Delivery (every node)

/** Takes one due message for this pass; if this node dies mid-send it is due after CLAIM_MS. */
async function claim(db: Db, now: Date) {
	return db.transaction(async (tx) => {
		const d = await channelsDb.lockNextDue(tx, now);
		if (!d) return null;
		await channelsDb.postpone(
			tx,
			d.id,
			new Date(Math.max(now.getTime(), clock.nowMs()) + CLAIM_MS)
		);
		return d;
	});
}

/** WeCom answers 200 with `{errcode, errmsg}`; only errcode 0 is delivered. */
async function outcome(res: Response): Promise<string | null> {
	if (!res.ok) return `HTTP ${res.status}`;
	const body = (await res.json().catch(() => null)) as {
		errcode?: unknown;
		errmsg?: unknown;
	} | null;
	if (body && typeof body.errcode === 'number' && body.errcode !== 0)
		return `errcode ${body.errcode}: ${String(body.errmsg ?? '')}`.slice(0, 300);
	return null;
}

/** One pass over due messages; returns how many were attempted. */
export async function deliverDue(
	ctx: Ctx,
	now = clock.now(),
	fetcher: typeof fetch = fetch
): Promise<number> {
	let attempted = 0;
	for (; attempted < 20; attempted++) {
		const d = await claim(ctx.db, now);
		if (!d) break;
		const channel = await channelsDb.find(ctx.db, d.communityId);
		let status: number | null = null;
		let error: string | null = null;
		let final = false;
		if (!channel?.wecomWebhook) {
			// Cleared since it was queued: the moderators no longer want it in the group.
			error = 'no webhook';
			final = true;
		} else {
			const message = wecomMessage({
				kind: d.kind,
				params: d.params,
				url: d.url,
				origin: ctx.config.origin,
				locale: COMMUNITY_LOCALE
			});
			try {
				const res = await fetcher(channel.wecomWebhook, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(message),
					redirect: 'error',
					signal: AbortSignal.timeout(10_000)
				});
				status = res.status;
				error = await outcome(res);
			} catch (e) {
				error = e instanceof Error ? e.message : String(e);
			}
		}
		const attempts = d.attempts + 1;
		const delivered = error === null;
		const backoffMs = Math.min(3_600_000, 5_000 * 2 ** (attempts - 1));
		await channelsDb.recordAttempt(ctx.db, d.id, {
			attempts,
			lastStatus: status,
			lastError: error,
			status: delivered ? 'delivered' : final || attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
			deliveredAt: delivered ? clock.now() : null,
			nextAttemptAt: new Date(clock.nowMs() + backoffMs)
		});
		if (!delivered)
			ctx.log.warn(
				{ deliveryId: d.id, communityId: d.communityId, attempts, error },
				'wecom delivery failed'
			);
	}
	return attempted;
}
