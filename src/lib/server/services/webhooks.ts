/**
 * Case events to an external street platform: POST JSON signed with HMAC-SHA256,
 * retried with backoff, every attempt kept in `webhook_deliveries` (the delivery log).
 *
 * Headers: `X-Yishi-Event`, `X-Yishi-Delivery` (id), `X-Yishi-Timestamp` (unix seconds) and
 * `X-Yishi-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with the shared secret>`;
 * a receiver recomputes it and rejects stale timestamps to stop replays.
 */
import * as clock from '../clock';
import { createHmac } from 'node:crypto';
import type { Db } from '../db/client';
import * as deliveries from '../db/webhook-deliveries';
import { newId } from '../ids';
import type { Ctx } from './context';

export const MAX_ATTEMPTS = 8;

export function sign(secret: string, timestamp: number, body: string): string {
	return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Queues an event in the caller's transaction; nothing is queued when no URL is configured. */
export async function enqueue(
	ctx: Pick<Ctx, 'config'>,
	db: Db,
	escalationId: string,
	event: string,
	data: Record<string, unknown>,
	now = clock.now()
) {
	if (!ctx.config.webhookUrl) return;
	const id = newId();
	const payload = JSON.stringify({ id, event, at: now.toISOString(), escalationId, data });
	await deliveries.insert(db, {
		id,
		escalationId,
		event,
		payload,
		status: 'pending',
		nextAttemptAt: now
	});
}

/** One pass over due deliveries; returns how many were attempted. */
export async function deliverDue(
	ctx: Ctx,
	now = clock.now(),
	fetcher: typeof fetch = fetch
): Promise<number> {
	const { webhookUrl, webhookSecret } = ctx.config;
	if (!webhookUrl || !webhookSecret) return 0;
	let attempted = 0;
	for (; attempted < 20; attempted++) {
		const d = await claim(ctx.db, now);
		if (!d) break;
		const timestamp = Math.floor(Date.now() / 1000);
		let status: number | null = null;
		let error: string | null = null;
		try {
			const res = await fetcher(webhookUrl, {
				method: 'POST',
				headers: {
					'content-type': 'application/json',
					'x-yishi-event': d.event,
					'x-yishi-delivery': d.id,
					'x-yishi-timestamp': String(timestamp),
					'x-yishi-signature': sign(webhookSecret, timestamp, d.payload)
				},
				body: d.payload,
				signal: AbortSignal.timeout(10_000)
			});
			status = res.status;
			if (!res.ok) error = `HTTP ${res.status}`;
		} catch (e) {
			error = e instanceof Error ? e.message : String(e);
		}
		const attempts = d.attempts + 1;
		const delivered = error === null;
		const backoffMs = Math.min(3_600_000, 5_000 * 2 ** (attempts - 1));
		await deliveries.recordAttempt(ctx.db, d.id, {
			attempts,
			lastStatus: status,
			lastError: error,
			status: delivered ? 'delivered' : attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
			deliveredAt: delivered ? clock.now() : null,
			nextAttemptAt: new Date(clock.nowMs() + backoffMs)
		});
		if (!delivered) ctx.log.warn({ deliveryId: d.id, attempts, error }, 'webhook delivery failed');
	}
	return attempted;
}

/** Longer than one attempt may take (its 10 s timeout), so a claim never lapses mid-send. */
export const CLAIM_MS = 30_000;

/**
 * Takes one due delivery for this pass: the row is locked (others skip it) while its next
 * attempt is pushed past the claim, so no other pass — on this node or another — sends it
 * while this one does. If this node dies mid-send, the delivery is due again after CLAIM_MS.
 */
async function claim(db: Db, now: Date) {
	return db.transaction(async (tx) => {
		const d = await deliveries.lockNextDue(tx, now);
		if (!d) return null;
		await deliveries.postpone(
			tx,
			d.id,
			new Date(Math.max(now.getTime(), clock.nowMs()) + CLAIM_MS)
		);
		return d;
	});
}

export async function log(db: Db, escalationId: string) {
	const rows = await deliveries.listForEscalation(db, escalationId);
	return rows.map((r) => ({
		id: r.id,
		event: r.event,
		status: r.status,
		attempts: r.attempts,
		lastStatus: r.lastStatus,
		lastError: r.lastError,
		deliveredAt: r.deliveredAt?.toISOString() ?? null
	}));
}
