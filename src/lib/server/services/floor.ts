/**
 * Floor settings beside the speaking limit: the hybrid meeting's stream link (腾讯会议 and
 * the like), each bloc's share of the floor, the session-wide amending phase, and whether
 * participants may draft cost schemes.
 */
import type { BlocShareView } from '$lib/protocol';
import type { Db } from '../db/client';
import * as hands from '../db/hands';
import * as participants from '../db/participants';
import * as outcomesDb from '../db/outcomes';
import { blocShares, overShare } from '../domain/floor-shares';
import * as queueRules from '../domain/speaker-queue';
import * as clock from '../clock';

export interface FloorInfo {
	streamUrl: string | null;
	blocQuotas: Record<string, number>;
	amending: boolean;
	/** Owners and residents who may edit may also propose cost schemes. */
	costDrafting: boolean;
}

export async function info(db: Db, sessionId: string): Promise<FloorInfo> {
	const row = await outcomesDb.floorOf(db, sessionId);
	return {
		streamUrl: row?.streamUrl ?? null,
		blocQuotas: row?.blocQuotas ?? {},
		amending: row?.amending ?? false,
		costDrafting: row?.costDrafting ?? false
	};
}

/** Applies what the body names (in the caller's transaction); answers what changed. */
export async function apply(
	db: Db,
	sessionId: string,
	body: {
		streamUrl?: string | null;
		blocQuotas?: Record<string, number>;
		amending?: boolean;
		costDrafting?: boolean;
	}
): Promise<Partial<FloorInfo>> {
	const set: Partial<FloorInfo> = {};
	if (body.streamUrl !== undefined) set.streamUrl = body.streamUrl || null;
	if (body.blocQuotas !== undefined) set.blocQuotas = body.blocQuotas;
	if (body.amending !== undefined) set.amending = body.amending;
	if (body.costDrafting !== undefined) set.costDrafting = body.costDrafting;
	if (Object.keys(set).length === 0) return set;
	await outcomesDb.putFloor(db, sessionId, set);
	return set;
}

/** Used and left per bloc with a share, counting the running turn. */
export async function shares(
	db: Db,
	sessionId: string,
	now = clock.now()
): Promise<BlocShareView[]> {
	const { blocQuotas } = await info(db, sessionId);
	if (Object.keys(blocQuotas).length === 0) return [];
	const [rows, turns] = await Promise.all([hands.live(db, sessionId), hands.turns(db, sessionId)]);
	const current = rows.find((r) => r.status === 'speaking');
	let speaking: { role: string; startedAt: Date } | null = null;
	if (current?.startedAt) {
		const p = await participants.findById(db, current.participantId);
		if (p) speaking = { role: p.role, startedAt: current.startedAt };
	}
	return blocShares(blocQuotas, queueRules.speakingTotals(turns), speaking, now);
}

/** Whether giving the floor to someone of this bloc goes over its share (recorded with the grant). */
export async function overQuota(db: Db, sessionId: string, bloc: string | undefined) {
	if (!bloc) return false;
	const { blocQuotas } = await info(db, sessionId);
	if (blocQuotas[bloc] === undefined) return false;
	const turns = await hands.turns(db, sessionId);
	return overShare(blocQuotas, queueRules.speakingTotals(turns), bloc);
}

/** Which of these items are in the amending phase themselves. */
export const amendingItemIds = outcomesDb.amendingItemIds;
