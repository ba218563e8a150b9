/**
 * The per-household table of a cost scheme, as every reader of it computes it: from the frozen
 * households once a vote took the scheme, from the register before. Kept apart from the HTTP
 * services so that closing a vote (services/votes.ts) can record the chosen table without
 * importing them.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import canonicalize from 'canonicalize';
import * as clock from '../clock';
import type { Db } from '../db/client';
import * as schemesDb from '../db/cost-schemes';
import * as householdsDb from '../db/households';
import * as sessionsDb from '../db/sessions';
import type { VoteRow } from '../db/votes';
import { CostInputError, fenToYuan, readMethod } from '../domain/cost-input';
import { apportion, CostError, type Amount, type Sharer } from '../domain/cost-sharing';
import { hundredthsToArea } from '../domain/ratio';
import type { Actor, Json } from '../domain/transcript';
import { notFound, ServiceError } from './errors';
import { floorOf } from './households';
import { record } from './transcript';

export interface HouseholdAmount {
	householdId: string;
	building: string;
	unit: string;
	floor: number;
	area: number;
	amount: number;
}

export const toSharer = (h: householdsDb.Household): Sharer => ({
	id: h.id,
	building: h.building,
	unit: h.unit,
	floor: floorOf(h) ?? 0,
	area: h.area
});

/** The households a scheme is shared among: frozen, or from the register now. */
export async function sharersOf(db: Db, scheme: schemesDb.CostScheme): Promise<Sharer[]> {
	if (scheme.frozen) return scheme.frozen;
	const register = await householdsDb.listForCommunity(db, scheme.communityId);
	return select(register, scheme.householdIds, scheme.buildings).map(toSharer);
}

export function select(
	register: householdsDb.Household[],
	ids: string[] | null,
	buildings: string[] | null
): householdsDb.Household[] {
	if (ids) {
		const wanted = new Set(ids);
		return register.filter((h) => wanted.has(h.id));
	}
	if (buildings) {
		const wanted = new Set(buildings);
		return register.filter((h) => wanted.has(h.building));
	}
	return register;
}

export function computeOrThrow(
	sharers: Sharer[],
	totalFen: number,
	method: Record<string, unknown>
) {
	try {
		return apportion(sharers, totalFen, readMethod(method));
	} catch (error) {
		if (error instanceof CostError || error instanceof CostInputError) {
			throw new ServiceError(400, error.code, error.message);
		}
		throw error;
	}
}

export async function amountsOf(db: Db, scheme: schemesDb.CostScheme): Promise<Amount[]> {
	return computeOrThrow(await sharersOf(db, scheme), scheme.totalFen, scheme.method);
}

export const rowOf = (a: Amount): HouseholdAmount => ({
	householdId: a.household.id,
	building: a.household.building,
	unit: a.household.unit,
	floor: a.household.floor,
	area: hundredthsToArea(a.household.area),
	amount: fenToYuan(a.fen)
});

/** SHA-256 (hex) of the table's RFC 8785 canonical JSON: what the transcript commits to. */
export function tableHash(rows: HouseholdAmount[]): string {
	return encodeHexLowerCase(sha256(new TextEncoder().encode(canonicalize(rows)!)));
}

/**
 * Links schemes to a vote's options and freezes their households, in the caller's transaction.
 * `links` maps option id → scheme id.
 */
export async function linkToVote(
	db: Db,
	voteId: string,
	links: { optionId: string; schemeId: string }[],
	now = clock.now()
) {
	const schemes = await schemesDb.findMany(
		db,
		links.map((l) => l.schemeId)
	);
	for (const scheme of schemes) {
		if (!scheme.frozen) {
			const sharers = await sharersOf(db, scheme);
			await schemesDb.freeze(db, scheme.id, sharers, now);
		}
	}
	await schemesDb.link(
		db,
		links.map((l) => ({ voteId, optionId: l.optionId, schemeId: l.schemeId }))
	);
}

/**
 * Called in the transaction that closes a vote: when the vote chose a scheme (the winning
 * option, or "yes" on a one-scheme vote, and the rule passed), the transcript records it with
 * the SHA-256 of its per-household table.
 */
export async function onVoteClosed(db: Db, vote: VoteRow, actor: Actor, now = clock.now()) {
	const links = await schemesDb.linksOfVote(db, vote.id);
	if (links.length === 0) return;
	const result = vote.result as { passed?: boolean; winner?: string | null } | null;
	if (!result?.passed) return;
	const optionId = vote.kind === 'yes_no_abstain' ? 'yes' : result.winner;
	const link = links.find((l) => l.optionId === optionId);
	if (!link) return;
	const scheme = await schemesDb.find(db, link.schemeId);
	if (!scheme) return;
	const rows = (await amountsOf(db, scheme)).map(rowOf);
	const hash = tableHash(rows);
	await schemesDb.markChosen(db, scheme.id, vote.id, hash);
	await recordChosen(
		db,
		vote.sessionId,
		scheme,
		rows.length,
		hash,
		actor,
		{
			voteId: vote.id,
			optionId: link.optionId
		},
		now
	);
}

/**
 * The `cost_scheme_chosen` entry, whoever chose: a vote's option, or a moderator by hand
 * (`by` null). The entry carries the hash of the per-household table, never the table.
 */
export async function recordChosen(
	db: Db,
	sessionId: string,
	scheme: schemesDb.CostScheme,
	households: number,
	hash: string,
	actor: Actor,
	by: { voteId: string; optionId: string } | null,
	now: Date
) {
	await record(
		db,
		sessionId,
		'cost_scheme_chosen',
		actor,
		{
			voteId: by?.voteId ?? null,
			optionId: by?.optionId ?? null,
			schemeId: scheme.id,
			itemId: scheme.itemId,
			title: scheme.title,
			total: fenToYuan(scheme.totalFen),
			method: scheme.method as Json,
			households,
			tableHash: hash
		},
		now
	);
}

/** A scheme and its session, or 404 for either. */
export async function schemeOf(ctx: { db: Db }, schemeId: string) {
	const scheme = await schemesDb.find(ctx.db, schemeId);
	if (!scheme) throw notFound('cost_scheme_not_found', 'cost scheme');
	const session = await sessionsDb.find(ctx.db, scheme.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	return { scheme, session };
}
