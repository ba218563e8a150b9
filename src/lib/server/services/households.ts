import * as audit from './audit';
import { seatClaimSchema } from '$lib/protocol';
import * as households from '../db/households';
import * as orgs from '../db/orgs';
import * as sessions from '../db/sessions';
import { hundredthsToArea } from '../domain/ratio';
import { canHoldSeat } from '../domain/seat-holders';
import * as proxiesDb from '../db/proxies';

import {
	deriveFloor,
	MAX_FLOOR,
	MIN_FLOOR,
	parseRegister,
	type RegisterError
} from '../domain/register';
import { newId, newToken } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, requireGoodInput, ServiceError, unauthorized } from './errors';
import { can, isStaff, requireCan } from '../access/check';
import { maskUnit, pseudonymizer } from './pseudonyms';
import { actorOf, actorOfUser, record } from './transcript';
import * as participantsDb from '../db/participants';
import type { Participant } from '../db/participants';
import { formatShortCode } from '../domain/seat-code';
import * as seatCodes from './seat-codes';

export interface HouseholdView {
	id: string;
	building: string;
	unit: string;
	area: number;
	owner: string;
	seatCode: string;
	/** What the slip prints for typing by hand, e.g. `D-1203-K7QX9P`. */
	shortCode?: string;

	/** Null only for a row imported before floors were kept whose unit names no floor. */
	floor: number | null;
	floorSource: 'unit' | 'register' | 'staff';
}

/** The floor of a household: as stored, or — for rows older than the column — from the unit. */
export const floorOf = (h: households.Household): number | null => h.floor ?? deriveFloor(h.unit);

export const toView = (h: households.Household): HouseholdView => ({
	id: h.id,
	building: h.building,
	unit: h.unit,
	area: hundredthsToArea(h.area),
	owner: h.ownerKey,
	seatCode: h.seatCode,
	floor: floorOf(h),
	floorSource: h.floorSource
});

/** The link a voting slip's QR code carries; scanning it claims the seat. */
export const seatUrl = (ctx: Ctx, seatCode: string) => `${ctx.config.origin}/seat/${seatCode}`;

async function requireCommunity(ctx: Ctx, communityId: string) {
	const community = await orgs.findCommunity(ctx.db, communityId);
	if (!community) throw notFound('community_not_found', 'community');
	return community;
}

/** Imports a register CSV all or nothing: with any bad line, nothing is stored. */
export async function importCsv(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string,
	text: string
): Promise<{ imported: number; errors: RegisterError[] }> {
	await requireCan(ctx, viewer, 'community.register', { communityId });
	requireGoodInput(text, 'register');
	const { rows, errors } = parseRegister(text);
	if (errors.length) return { imported: 0, errors };
	const imported = await ctx.db.transaction((tx) =>
		households.upsertMany(
			tx,
			rows.map((r) => ({
				id: newId(),
				communityId,
				building: r.building,
				unit: r.unit,
				area: r.area,
				ownerKey: r.ownerKey,
				floor: r.floor,
				floorSource: r.floorGiven ? ('register' as const) : ('unit' as const),
				// 20 random bytes: a slip's code cannot be guessed from another's.
				seatCode: newToken()
			}))
		)
	);
	ctx.log.info({ communityId, imported }, 'household register imported');
	await audit.logOn(ctx, viewer, 'register_imported', { communityId }, communityId, { imported });
	return { imported, errors: [] };
}

export async function list(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string
): Promise<HouseholdView[]> {
	await requireCan(ctx, viewer, 'community.register', { communityId });
	await requireCommunity(ctx, communityId);
	const rows = await households.listForCommunity(ctx.db, communityId);
	const codes = await seatCodes.ensure(ctx, rows);
	const ownerOf = await ownerShownTo(ctx, viewer, communityId);
	return rows.map((h) => {
		const code = codes.get(h.id);
		return {
			...toView(h),
			owner: ownerOf(h.ownerKey),
			...(code ? { shortCode: formatShortCode(h.building, h.unit, code) } : {})
		};
	});
}

/**
 * How a register's owner value reaches this staff account. REFERENCE.md §8 gives owner values to
 * the community's moderators (and the administrator) only; a clerk, who imports the register and
 * prints slips, gets the community's pseudonym of the value instead (services/pseudonyms.ts): the
 * same for every unit of one owner, so "units that share an owner" still reads right.
 */
async function ownerShownTo(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string
): Promise<(ownerKey: string) => string> {
	if (await can(ctx, viewer, 'community.manage', { communityId })) return (key) => key;
	return pseudonymizer(ctx.db, communityId);
}

/**
 * Staff correct a household's floor (a duplex, a unit number that misleads). The correction is
 * kept when the register is imported again without a floor column.
 */
export async function setFloor(
	ctx: Ctx,
	viewer: Viewer,
	householdId: string,
	input: unknown
): Promise<HouseholdView> {
	await requireCan(ctx, viewer, 'community.register', { householdId });
	const floor = (input as { floor?: unknown } | null)?.floor;
	if (
		typeof floor !== 'number' ||
		!Number.isInteger(floor) ||
		floor < MIN_FLOOR ||
		floor > MAX_FLOOR
	) {
		throw new ServiceError(
			400,
			'invalid_payload',
			`floor: a whole number from ${MIN_FLOOR} to ${MAX_FLOOR}`
		);
	}
	const existing = await households.findById(ctx.db, householdId);
	if (!existing) throw notFound('household_not_found', 'household');
	await requireCommunity(ctx, existing.communityId);
	const updated = await households.setFloor(ctx.db, householdId, floor);
	ctx.log.info({ householdId, floor }, 'household floor corrected');
	await audit.logOn(
		ctx,
		viewer,
		'household_corrected',
		{ communityId: existing.communityId },
		householdId,
		{ floor: { from: existing.floor, to: floor } }
	);
	return toView(updated!);
}

/**
 * The seat link a session's voting slip carries for one household of its community. Staff of
 * that community only: the picture is as good as the seat.
 */
export async function slipLink(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	householdId: string
): Promise<string> {
	if (!viewer.user) throw unauthorized();
	if (!isStaff(viewer)) throw forbidden();
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	const household = await households.findById(ctx.db, householdId);
	if (!(await can(ctx, viewer, 'community.register', { communityId: session.communityId }))) {
		throw forbidden('this belongs to another community');
	}
	if (!household || household.communityId !== session.communityId) {
		throw notFound('household_not_found', 'household');
	}
	return seatUrl(ctx, household.seatCode);
}

/**
 * Where a scanned voting slip takes this device: its participant in the newest open session of
 * the slip's community. `seat_not_found` when no household has the code, `join_first` when the
 * device has no participant in such a session.
 */
export async function slipTarget(
	ctx: Ctx,
	viewer: Viewer,
	code: string
): Promise<'seat_not_found' | 'join_first' | { sessionId: string; participant: Participant }> {
	const household = await households.findBySeatCode(ctx.db, seatCodeOf(code));
	if (!household) return 'seat_not_found';
	const mine = viewer.authSessionId
		? await participantsDb.listForAuthSession(ctx.db, viewer.authSessionId)
		: [];
	const candidates = [];
	for (const participant of mine) {
		const session = await sessions.find(ctx.db, participant.sessionId);
		if (session?.status === 'open' && session.communityId === household.communityId) {
			candidates.push({ participant, session });
		}
	}
	candidates.sort((a, b) => b.session.createdAt.getTime() - a.session.createdAt.getTime());
	const target = candidates[0];
	if (!target) return 'join_first';
	return { sessionId: target.session.id, participant: target.participant };
}

/** Accepts the bare code or the whole slip link (`…/seat/<code>`), as a scanner reads it. */
export function seatCodeOf(text: string): string {
	const match = /\/seat\/([a-z2-7]+)\/?$/i.exec(text.trim());
	return (match ? match[1]! : text.trim()).toLowerCase();
}

/**
 * Binds a participant to the owner's seat of the scanned unit: one participant per owner at a
 * time; claiming one unit of an owner holds all of their units.
 */
export async function claimSeat(
	ctx: Ctx,
	sessionId: string,
	participant: Participant,
	input: unknown,
	address: string | null = null
): Promise<{ householdId: string }> {
	const { seatCode } = parse(seatClaimSchema, input);
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (session.status === 'closed')
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	if (!canHoldSeat(participant.role))
		throw new ServiceError(
			403,
			'cannot_hold_seat',
			'only owners and residents (or their proxies) take a household seat'
		);
	const household = await seatCodes.lookup(ctx, seatCode, {
		participantId: participant.id,
		address
	});
	if (!household || household.communityId !== session.communityId) {
		throw new ServiceError(404, 'seat_not_found', 'no household of this community has that code');
	}
	await ctx.db.transaction(async (tx) => {
		const seat = await households.claimSeat(tx, {
			sessionId,
			ownerKey: household.ownerKey,
			householdId: household.id,
			participantId: participant.id
		});
		if (!seat) {
			throw new ServiceError(409, 'seat_taken', 'someone else holds this seat; ask the moderator');
		}
		// The household id only: units are personal data, masked in public views.
		await record(tx, sessionId, 'seat_claimed', actorOf(participant), {
			householdId: household.id,
			participantId: participant.id
		});
	});
	ctx.log.info(
		{ sessionId, householdId: household.id, participantId: participant.id },
		'seat claimed'
	);
	ctx.realtime.seatsChanged(sessionId, participant.id);
	return { householdId: household.id };
}

/** The moderator frees a seat (a phone was lost, the wrong person scanned). */
export async function releaseSeat(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	householdId: string
) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	const household = await households.findById(ctx.db, householdId);
	if (!household) throw notFound('household_not_found', 'household');
	const held = await ctx.db.transaction(async (tx) => {
		const seat = (await households.seatsInSession(tx, sessionId)).find(
			(s) => s.ownerKey === household.ownerKey
		);
		if (!seat || !(await households.releaseSeat(tx, sessionId, household.ownerKey))) {
			throw new ServiceError(409, 'seat_free', 'nobody holds this seat');
		}
		await record(tx, sessionId, 'seat_released', actorOfUser(user), {
			householdId,
			participantId: seat.participantId
		});
		return seat;
	});
	ctx.realtime.seatsChanged(sessionId, held.participantId);
}

/**
 * The seats a participant holds: claimed with a slip, and taken up as a proxy (`proxy`). Units
 * are masked even for their holder: only the community's moderators read a unit as typed
 * (REFERENCE.md, additions to §8), and a phone's screen is seen by neighbours in the hall.
 */
export async function seatViews(ctx: Ctx, sessionId: string, participantId: string) {
	const seats = await households.seatsOf(ctx.db, sessionId, participantId);
	const own = await households.findMany(
		ctx.db,
		seats.map((s) => s.householdId)
	);
	const held = (await proxiesDb.liveInSession(ctx.db, sessionId)).filter(
		(p) => p.holderId === participantId && p.status === 'active'
	);
	const byProxy = await households.findMany(ctx.db, [
		...new Set(held.flatMap((p) => p.householdIds))
	]);
	return [
		...own.map((h) => ({ householdId: h.id, building: h.building, unit: maskUnit(h.unit) })),
		...byProxy
			.filter((h) => !own.some((o) => o.id === h.id))
			.map((h) => ({
				householdId: h.id,
				building: h.building,
				unit: maskUnit(h.unit),
				proxy: true
			}))
	];
}

/** Seats of a session for the console: who holds which owner (a clerk reads pseudonyms). */
export async function seatsOfSession(ctx: Ctx, viewer: Viewer, sessionId: string) {
	await requireCan(ctx, viewer, 'session.console', { sessionId });
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	const ownerOf = await ownerShownTo(ctx, viewer, session.communityId);
	const seats = await households.seatsInSession(ctx.db, sessionId);
	return seats.map((s) => ({ ...s, ownerKey: ownerOf(s.ownerKey) }));
}
