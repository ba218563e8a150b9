import { seatClaimSchema } from '$lib/protocol';
import * as households from '../db/households';
import * as orgs from '../db/orgs';
import * as sessions from '../db/sessions';
import { hundredthsToArea } from '../domain/ratio';
import { parseRegister, type RegisterError } from '../domain/register';
import { newId, newToken } from '../ids';
import { maskUnit } from './pseudonyms';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError } from './errors';
import { requireConsole } from './permissions';
import { actorOf, actorOfUser, record } from './transcript';
import type { Participant } from '../db/participants';

export interface HouseholdView {
	id: string;
	building: string;
	unit: string;
	area: number;
	owner: string;
	seatCode: string;
}

export const toView = (h: households.Household): HouseholdView => ({
	id: h.id,
	building: h.building,
	unit: h.unit,
	area: hundredthsToArea(h.area),
	owner: h.ownerKey,
	seatCode: h.seatCode
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
	requireConsole(viewer);
	await requireCommunity(ctx, communityId);
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
				// 20 random bytes: a slip's code cannot be guessed from another's.
				seatCode: newToken()
			}))
		)
	);
	ctx.log.info({ communityId, imported }, 'household register imported');
	return { imported, errors: [] };
}

export async function list(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string
): Promise<HouseholdView[]> {
	requireConsole(viewer);
	await requireCommunity(ctx, communityId);
	return (await households.listForCommunity(ctx.db, communityId)).map(toView);
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
	input: unknown
): Promise<{ householdId: string }> {
	const { seatCode } = parse(seatClaimSchema, input);
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (session.status === 'closed')
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	if (participant.role === 'observer') throw forbidden('observers do not take a seat');
	const household = await households.findBySeatCode(ctx.db, seatCodeOf(seatCode));
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
	const user = requireConsole(viewer);
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

export async function seatViews(ctx: Ctx, sessionId: string, participantId: string) {
	const seats = await households.seatsOf(ctx.db, sessionId, participantId);
	const rows = await households.findMany(
		ctx.db,
		seats.map((s) => s.householdId)
	);
	// Masked: the full unit address is for the community's moderators only.
	return rows.map((h) => ({ householdId: h.id, building: h.building, unit: maskUnit(h.unit) }));
}

/** Seats of a session for the moderator's console: who holds which owner. */
export async function seatsOfSession(ctx: Ctx, viewer: Viewer, sessionId: string) {
	requireConsole(viewer);
	return households.seatsInSession(ctx.db, sessionId);
}
