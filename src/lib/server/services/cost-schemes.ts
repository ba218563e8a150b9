/**
 * Cost schemes on an item (src/lib/protocol/REFERENCE.md §12): who pays what, exact to the fen.
 *
 * Amounts are computed on every read from the community's register (so a corrected floor or
 * area shows at once) until a vote takes the scheme as an option: then the sharing households'
 * floors and areas are frozen with the scheme, so the amounts people vote on cannot move, and
 * the table whose SHA-256 the transcript records when the vote chooses it is the one they saw.
 */
import type { Db } from '../db/client';
import * as schemesDb from '../db/cost-schemes';
import * as householdsDb from '../db/households';
import * as sessions from '../db/sessions';
import { CostInputError, fenToYuan, methodJson, readMethod, yuanToFen } from '../domain/cost-input';
import { summarize, type Amount } from '../domain/cost-sharing';
import type { Actor, Json } from '../domain/transcript';
import type {
	CollectionSummary,
	MyAmount,
	SchemeForReader,
	SchemeMethod,
	SchemeSummaryView
} from '$lib/protocol/cost';
import { newId } from '../ids';
import type { Ctx, Viewer } from './context';
import { requireCan } from '../access/check';
import { forbidden, notFound, ServiceError, unauthorized } from './errors';
import {
	amountsOf,
	computeOrThrow,
	rowOf,
	schemeOf,
	select,
	toSharer,
	type HouseholdAmount
} from './cost-tables';
import { summaries as collectionSummaries } from './cost-collections';
import { maskUnit } from './pseudonyms';
import { floorOf } from './households';
import * as sessionsService from './sessions';
import * as floor from './floor';
import { participantCanWrite, requireStarted } from './session-access';
import { actorOf, actorOfUser, record } from './transcript';

const invalid = (code: string, message: string) => new ServiceError(400, code, message);
const isRecord = (value: unknown): value is Record<string, unknown> =>
	typeof value === 'object' && value !== null && !Array.isArray(value);

export type SchemeView = SchemeSummaryView;
type SchemeSummary = SchemeSummaryView['summary'];

async function itemOf(ctx: Ctx, itemId: string) {
	const item = await schemesDb.findItem(ctx.db, itemId);
	if (!item) throw notFound('item_not_found', 'item');
	const session = await sessions.find(ctx.db, item.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	return { item, session };
}

/**
 * Moderators and administrators of the session's community run schemes, as they run votes
 * (clerks record, not decide).
 */
function requireModerator(ctx: Ctx, viewer: Viewer, sessionId: string) {
	return requireCan(ctx, viewer, 'session.run', { sessionId });
}

function summaryOf(amounts: Amount[]): SchemeSummary {
	const s = summarize(amounts);
	return {
		households: s.households,
		min: fenToYuan(s.min),
		max: fenToYuan(s.max),
		byFloor: Object.fromEntries(
			[...s.byFloor.entries()].map(([floor, f]) => [
				String(floor),
				{
					min: fenToYuan(f.min),
					max: fenToYuan(f.max),
					typical: fenToYuan(f.typical),
					households: f.households
				}
			])
		)
	};
}

function viewOf(
	scheme: schemesDb.CostScheme,
	amounts: Amount[],
	voteIds: string[],
	collection?: CollectionSummary
): SchemeView {
	return {
		id: scheme.id,
		itemId: scheme.itemId,
		title: scheme.title,
		total: fenToYuan(scheme.totalFen),
		method: scheme.method as unknown as SchemeMethod,
		summary: summaryOf(amounts),
		...(scheme.costFen !== null ? { cost: fenToYuan(scheme.costFen) } : {}),
		...(scheme.fundBalanceFen !== null ? { fundBalance: fenToYuan(scheme.fundBalanceFen) } : {}),
		...(scheme.reserveFen !== null ? { reserve: fenToYuan(scheme.reserveFen) } : {}),
		status: scheme.chosenVoteId || scheme.chosenBy ? 'chosen' : scheme.frozen ? 'voting' : 'draft',
		voteIds,
		...(scheme.tableHash ? { tableHash: scheme.tableHash } : {}),
		authorRole: scheme.authorRole,
		...(collection ? { collection } : {})
	};
}

function readMoney(body: Record<string, unknown>, key: string): number | null {
	const value = body[key];
	if (value === undefined || value === null) return null;
	const fen = yuanToFen(value);
	if (fen === null) {
		throw invalid(
			key === 'total' ? 'invalid_total' : 'invalid_amount',
			`${key}: yuan as a number, not negative, with at most two decimals`
		);
	}
	return fen;
}

function readIds(value: unknown, field: string): string[] | null {
	if (value === undefined || value === null) return null;
	if (
		!Array.isArray(value) ||
		value.length === 0 ||
		value.length > 20_000 ||
		value.some((x) => typeof x !== 'string' || x.length === 0 || x.length > 200)
	) {
		throw invalid('invalid_payload', `${field}: a non-empty list of ids`);
	}
	return [...new Set(value as string[])];
}

/** Roles of participants who may draft a scheme when the moderator allows it: those who pay. */
const DRAFTING_ROLES = new Set(['owner', 'resident']);

/**
 * Who defines a scheme: the session's moderators always; owners and residents who may edit the
 * proposal too when the moderator turned participant drafting on (recorded with their role, so
 * everyone sees a scheme came from a participant).
 */
async function authorOf(
	ctx: Ctx,
	viewer: Viewer,
	session: { id: string; status: 'open' | 'closed'; opensAt: Date | null }
): Promise<{ actor: Actor }> {
	if (viewer.user) return { actor: actorOfUser(await requireModerator(ctx, viewer, session.id)) };
	if (!viewer.authSessionId) throw unauthorized();
	const member = await sessionsService.findMember(ctx, viewer, session.id);
	if (!member || member.status === 'removed') throw forbidden('not a member of this session');
	if (!(await floor.info(ctx.db, session.id)).costDrafting) {
		throw forbidden('only the moderator defines cost schemes in this session');
	}
	if (!DRAFTING_ROLES.has(member.role) || !participantCanWrite(member, session.status)) {
		throw forbidden(
			member.status === 'muted' ? 'you have been muted' : 'only owners and residents may draft'
		);
	}
	requireStarted(session);
	return { actor: actorOf(member) };
}

/** Defines a scheme: title, total (or cost, fund balance and reserve), households, method. */
export async function create(
	ctx: Ctx,
	viewer: Viewer,
	itemId: string,
	input: unknown
): Promise<SchemeView> {
	const { item, session } = await itemOf(ctx, itemId);
	const author = await authorOf(ctx, viewer, session);
	if (session.status === 'closed') {
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	}
	if (!isRecord(input)) throw invalid('invalid_payload', 'body: a JSON object');
	const title = typeof input.title === 'string' ? input.title.trim() : '';
	if (title.length < 1 || title.length > 200) {
		throw invalid('invalid_payload', 'title: 1 to 200 characters');
	}
	const cost = readMoney(input, 'cost');
	const fundBalance = readMoney(input, 'fundBalance');
	const reserve = readMoney(input, 'reserve');
	let total = readMoney(input, 'total');
	if (total === null) {
		if (cost === null) throw invalid('invalid_total', 'total: yuan to raise (or give cost)');
		// What the levy must raise: the cost less what the fund may spend above its reserve.
		total = cost - Math.max(0, (fundBalance ?? 0) - (reserve ?? 0));
	}
	if (total <= 0) throw invalid('invalid_total', 'total: more than 0 yuan');
	const householdIds = readIds(input.households, 'households');
	const buildingsRaw = readIds(input.buildings, 'buildings');
	const buildings = householdIds ? null : buildingsRaw;
	let method: Record<string, unknown>;
	try {
		method = methodJson(readMethod(input.method));
	} catch (error) {
		if (error instanceof CostInputError) throw invalid(error.code, error.message);
		throw error;
	}

	const register = await householdsDb.listForCommunity(ctx.db, session.communityId);
	if (householdIds) {
		const known = new Set(register.map((h) => h.id));
		const unknown = householdIds.filter((id) => !known.has(id));
		if (unknown.length) {
			throw invalid(
				'unknown_household',
				`not in this community's register: ${unknown.slice(0, 5).join(', ')}`
			);
		}
	}
	if (buildings) {
		const known = new Set(register.map((h) => h.building));
		const unknown = buildings.filter((b) => !known.has(b));
		if (unknown.length)
			throw invalid('unknown_building', `no such building: ${unknown.join(', ')}`);
	}
	const chosen = select(register, householdIds, buildings);
	if (chosen.length === 0) {
		throw invalid('no_households', 'the register has no household to share this cost');
	}
	// Refuse what cannot be computed now (unknown exemptions, missing coefficients, caps).
	const amounts = computeOrThrow(chosen.map(toSharer), total, method);

	const scheme = await ctx.db.transaction(async (tx) => {
		const row = await schemesDb.insert(tx, {
			id: newId(),
			itemId: item.id,
			sessionId: session.id,
			communityId: session.communityId,
			title,
			totalFen: total,
			costFen: cost,
			fundBalanceFen: fundBalance,
			reserveFen: reserve,
			householdIds,
			buildings,
			method,
			createdBy: author.actor.id,
			authorRole: author.actor.role
		});
		await record(tx, session.id, 'cost_scheme_created', author.actor, {
			schemeId: row.id,
			itemId: item.id,
			title,
			total: fenToYuan(total),
			method: method as Json,
			households: amounts.length
		});
		return row;
	});
	ctx.realtime.transcriptChanged(session.id);
	ctx.realtime.sessionChanged(session.id);
	ctx.log.info({ schemeId: scheme.id, itemId, households: amounts.length }, 'cost scheme created');
	return viewOf(scheme, amounts, []);
}

async function voteIdsOf(db: Db, schemeIds: string[]): Promise<Map<string, string[]>> {
	const map = new Map<string, string[]>();
	for (const link of await schemesDb.linksOfSchemes(db, schemeIds)) {
		map.set(link.schemeId, [...(map.get(link.schemeId) ?? []), link.voteId]);
	}
	return map;
}

/** An item's schemes for members of its session, or anyone once closed: never a household's amount. */
export async function listForItem(ctx: Ctx, viewer: Viewer, itemId: string): Promise<SchemeView[]> {
	const { item, session } = await itemOf(ctx, itemId);
	await sessionsService.get(ctx, viewer, session.id);
	const schemes = await schemesDb.listForItem(ctx.db, item.id);
	const votes = await voteIdsOf(
		ctx.db,
		schemes.map((s) => s.id)
	);
	const collections = await collectionSummaries(
		ctx,
		schemes.map((s) => s.id)
	);
	const out: SchemeView[] = [];
	for (const scheme of schemes) {
		out.push(
			viewOf(
				scheme,
				await amountsOf(ctx.db, scheme),
				votes.get(scheme.id) ?? [],
				collections[scheme.id]
			)
		);
	}
	return out;
}

/** The per-household table for collection: the community's moderators only. */
export async function householdTable(
	ctx: Ctx,
	viewer: Viewer,
	schemeId: string
): Promise<{ scheme: schemesDb.CostScheme; rows: HouseholdAmount[] }> {
	const { scheme, session } = await schemeOf(ctx, schemeId);
	await requireModerator(ctx, viewer, session.id);
	return { scheme, rows: (await amountsOf(ctx.db, scheme)).map(rowOf) };
}

/** A cell that a spreadsheet would run as a formula is quoted as text (OWASP CSV injection). */
function csvCell(value: string | number): string {
	let text = String(value);
	if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
	return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The same table as CSV (UTF-8 with a BOM, so Excel reads the Chinese), with the owner key. */
export async function householdCsv(ctx: Ctx, viewer: Viewer, schemeId: string): Promise<string> {
	const { rows } = await householdTable(ctx, viewer, schemeId);
	const owners = new Map(
		(
			await householdsDb.findMany(
				ctx.db,
				rows.map((r) => r.householdId)
			)
		).map((h) => [h.id, h.ownerKey])
	);
	const lines = [
		'building,unit,floor,area,amount,owner,householdId',
		...rows.map((r) =>
			[
				r.building,
				r.unit,
				r.floor,
				r.area.toFixed(2),
				r.amount.toFixed(2),
				owners.get(r.householdId) ?? '',
				r.householdId
			]
				.map(csvCell)
				.join(',')
		)
	];
	return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/** The caller's own amount under a scheme: one row for each seat they hold in its session. */
export async function mine(
	ctx: Ctx,
	viewer: Viewer,
	schemeId: string
): Promise<{ householdId: string; amount: number }[]> {
	if (!viewer.authSessionId && !viewer.user) throw unauthorized();
	const { scheme, session } = await schemeOf(ctx, schemeId);
	const member = await sessionsService.findMember(ctx, viewer, session.id);
	if (!member || member.status === 'removed') throw forbidden('not a member of this session');
	const seats = await householdsDb.seatsOf(ctx.db, session.id, member.id);
	if (seats.length === 0) {
		throw new ServiceError(403, 'no_seat', 'claim your household seat first');
	}
	const amounts = new Map((await amountsOf(ctx.db, scheme)).map((a) => [a.household.id, a.fen]));
	return seats.map((s) => ({
		householdId: s.householdId,
		amount: fenToYuan(amounts.get(s.householdId) ?? 0)
	}));
}

/**
 * For the room: every scheme of an item with the reader's households' amounts (each unit of
 * every owner whose seat they hold) — empty amounts for a reader without a seat.
 */
export async function forReader(
	ctx: Ctx,
	viewer: Viewer,
	itemId: string
): Promise<SchemeForReader[]> {
	const schemes = await listForItem(ctx, viewer, itemId);
	const { session } = await itemOf(ctx, itemId);
	const member = await sessionsService.findMember(ctx, viewer, session.id);
	const seats = member ? await householdsDb.seatsOf(ctx.db, session.id, member.id) : [];
	const owners = new Set(seats.map((s) => s.ownerKey));
	const register = owners.size
		? (await householdsDb.listForCommunity(ctx.db, session.communityId)).filter((h) =>
				owners.has(h.ownerKey)
			)
		: [];
	const out = [];
	for (const view of schemes) {
		const scheme = (await schemesDb.find(ctx.db, view.id))!;
		const amounts = new Map((await amountsOf(ctx.db, scheme)).map((a) => [a.household.id, a]));
		out.push({
			...view,
			mine: register.map((h): MyAmount => ({
				householdId: h.id,
				building: h.building,
				// Masked even for the seat holder: only the community's moderators read a unit as typed.
				unit: maskUnit(h.unit),
				floor: amounts.get(h.id)?.household.floor ?? floorOf(h),
				amount: fenToYuan(amounts.get(h.id)?.fen ?? 0),
				status: amounts.get(h.id)?.status ?? 'outside'
			}))
		});
	}
	return out;
}
