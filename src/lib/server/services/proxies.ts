/**
 * Proxies (委托投票, 物业管理条例 art. 12): an owner appoints a person for one vote or a whole
 * session from their phone (a link the person joins with), or staff record a signed paper
 * form with its photo and confirm it before it counts. The proxy then holds the owner's seats
 * under the rules of `domain/seat-holders.ts`. The transcript records every appointment,
 * confirmation, revocation and ballot by proxy without naming who appointed whom.
 */
import type { ProxyView } from '$lib/protocol/owners';
import { proxyCreateSchema } from '$lib/protocol/owners';
import { joinSchema } from '$lib/protocol/api';
import type * as v from 'valibot';
import { createSession, generateSessionToken, type AuthSession } from '../auth/session';
import * as clock from '../clock';
import * as householdsDb from '../db/households';
import * as orgs from '../db/orgs';
import * as participants from '../db/participants';
import * as proxiesDb from '../db/proxies';
import * as sessionsDb from '../db/sessions';
import * as votesDb from '../db/votes';
import { canHoldSeat, overCap, revocable } from '../domain/seat-holders';
import type { Actor } from '../domain/transcript';
import { newId, newToken } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError, unauthorized } from './errors';
import { grantOf } from './holdings';
import { requirePhotoOf } from './photos';
import { can, requireCan } from '../access/check';
import { actorOf, actorOfUser, record } from './transcript';
import { seatKey } from './votes';

/** Appointments are recorded without naming the appointer (the public record shows counts). */
const proxyActor: Actor = { id: 'proxy', name: 'proxy', role: 'proxy' };

const conflict = (code: string, message: string) => new ServiceError(409, code, message);

export const toView = (ctx: Ctx, p: proxiesDb.Proxy): ProxyView => ({
	id: p.id,
	url: `${ctx.config.origin}/join/${p.token}`,
	seats: p.householdIds,
	voteId: p.voteId,
	status: p.status,
	paper: p.paper,
	holderName: p.holderName,
	// The signed form, for staff to check before confirming (only staff see paper appointments).
	...(p.photoId ? { photoId: p.photoId } : {})
});

async function requireSession(ctx: Ctx, sessionId: string) {
	const session = await sessionsDb.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (session.status === 'closed') throw conflict('session_closed', 'this session is closed');
	return session;
}

async function requireVoteOf(ctx: Ctx, sessionId: string, voteId: string | null | undefined) {
	if (!voteId) return null;
	const vote = await votesDb.findHead(ctx.db, voteId);
	if (!vote || vote.sessionId !== sessionId) throw notFound('vote_not_found', 'vote');
	if (vote.status === 'closed') throw conflict('vote_closed', 'this vote is closed');
	return vote;
}

/**
 * `POST /api/v1/sessions/:id/proxies`: an owner on their phone appoints a proxy for every seat
 * they hold themselves (no sub-appointment of seats held by proxy); staff record a paper form.
 */
export async function appoint(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	input: unknown,
	now = clock.now()
): Promise<ProxyView> {
	const body = parse(proxyCreateSchema, input ?? {});
	const session = await requireSession(ctx, sessionId);
	await requireVoteOf(ctx, sessionId, body.voteId);
	if (await can(ctx, viewer, 'session.console', { sessionId }))
		return recordPaper(ctx, viewer, session, body, now);
	if (!viewer.authSessionId) throw unauthorized();
	const me = await participants.findByDevice(ctx.db, sessionId, viewer.authSessionId);
	if (!me) throw forbidden('join this session first');
	const seats = canHoldSeat(me.role) ? await householdsDb.seatsOf(ctx.db, sessionId, me.id) : [];
	if (seats.length === 0)
		throw new ServiceError(403, 'no_seat', 'scan your household slip to take your seat first');
	const proxy = await ctx.db.transaction(async (tx) => {
		const row = await proxiesDb.insert(tx, {
			id: newId(),
			sessionId,
			voteId: body.voteId ?? null,
			appointerId: me.id,
			ownerKeys: seats.map((s) => s.ownerKey),
			householdIds: seats.map((s) => s.householdId),
			token: newToken(),
			status: 'active',
			createdBy: me.id
		});
		await record(
			tx,
			sessionId,
			'proxy_appointed',
			proxyActor,
			{ proxyId: row.id, voteId: row.voteId, seats: seats.length, paper: false },
			now
		);
		return row;
	});
	ctx.realtime.transcriptChanged(sessionId);
	ctx.log.info({ sessionId, proxyId: proxy.id }, 'proxy appointed');
	return toView(ctx, proxy);
}

async function recordPaper(
	ctx: Ctx,
	viewer: Viewer,
	session: { id: string; communityId: string },
	body: v.InferOutput<typeof proxyCreateSchema>,
	now: Date
): Promise<ProxyView> {
	const user = viewer.user!;
	if (!body.householdIds?.length)
		throw new ServiceError(400, 'invalid_payload', 'householdIds: the seats of the paper form');
	if (body.photoId) await requirePhotoOf(ctx, body.photoId, session.communityId);
	const households = await householdsDb.findMany(ctx.db, body.householdIds);
	if (
		households.length !== new Set(body.householdIds).size ||
		households.some((h) => h.communityId !== session.communityId)
	)
		throw notFound('household_not_found', 'household');
	let holderName = body.proxyName || null;
	if (body.holderId) {
		const holder = await participants.findById(ctx.db, body.holderId);
		if (!holder || holder.sessionId !== session.id)
			throw notFound('participant_not_found', 'participant');
		holderName ??= holder.name;
	}
	const ownerKeys = [...new Set(households.map((h) => h.ownerKey))];
	const proxy = await ctx.db.transaction(async (tx) => {
		const row = await proxiesDb.insert(tx, {
			id: newId(),
			sessionId: session.id,
			voteId: body.voteId ?? null,
			appointerId: null,
			ownerKeys,
			householdIds: households.map((h) => h.id),
			token: newToken(),
			holderId: body.holderId ?? null,
			holderName,
			paper: true,
			photoId: body.photoId ?? null,
			status: 'pending',
			createdBy: user.id
		});
		await record(
			tx,
			session.id,
			'proxy_appointed',
			actorOfUser(user),
			{
				proxyId: row.id,
				voteId: row.voteId,
				seats: ownerKeys.length,
				paper: true,
				photoId: row.photoId
			},
			now
		);
		return row;
	});
	ctx.realtime.transcriptChanged(session.id);
	return toView(ctx, proxy);
}

async function capOf(ctx: Ctx, communityId: string) {
	return (await orgs.findCommunity(ctx.db, communityId))?.proxySeatCap ?? 5;
}

/** Staff confirm a paper appointment: from then on it counts. */
export async function confirm(ctx: Ctx, viewer: Viewer, proxyId: string, now = clock.now()) {
	const found = await proxiesDb.findById(ctx.db, proxyId);
	if (!found) throw notFound('proxy_not_found', 'proxy');
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId: found.sessionId });
	const session = await requireSession(ctx, found.sessionId);
	const cap = await capOf(ctx, session.communityId);
	const proxy = await ctx.db.transaction(async (tx) => {
		await proxiesDb.lockSessionGrants(tx, found.sessionId);
		const row = (await proxiesDb.lock(tx, proxyId))!;
		if (row.status !== 'pending')
			throw conflict('invalid_transition', `the appointment is ${row.status}`);
		if (row.holderId) {
			const live = (await proxiesDb.liveInSession(tx, row.sessionId)).filter(
				(p) => p.id !== row.id
			);
			if (overCap(live.map(grantOf), row.holderId, row.ownerKeys, cap))
				throw conflict('proxy_cap', `a proxy may hold at most ${cap} seats`);
		}
		const updated = await proxiesDb.update(tx, proxyId, { status: 'active', confirmedBy: user.id });
		await record(tx, row.sessionId, 'proxy_confirmed', actorOfUser(user), { proxyId }, now);
		return updated;
	});
	ctx.realtime.transcriptChanged(proxy.sessionId);
	if (proxy.holderId) ctx.realtime.seatsChanged(proxy.sessionId, proxy.holderId);
	return toView(ctx, proxy);
}

/** The appointer or staff revoke an appointment, unless a ballot already spent its seat. */
export async function revoke(ctx: Ctx, viewer: Viewer, proxyId: string, now = clock.now()) {
	const found = await proxiesDb.findById(ctx.db, proxyId);
	if (!found) throw notFound('proxy_not_found', 'proxy');
	let actor: Actor;
	if (await can(ctx, viewer, 'session.console', { sessionId: found.sessionId }))
		actor = actorOfUser(viewer.user!);
	else {
		if (!viewer.authSessionId) throw unauthorized();
		const me = await participants.findByDevice(ctx.db, found.sessionId, viewer.authSessionId);
		if (!me || me.id !== found.appointerId)
			throw forbidden('only the owner who appointed this proxy, or a moderator, may revoke it');
		actor = proxyActor;
	}
	const proxy = await ctx.db.transaction(async (tx) => {
		const row = (await proxiesDb.lock(tx, proxyId))!;
		if (row.status === 'revoked') throw conflict('invalid_transition', 'already revoked');
		const ballots = await ballotsOnSeats(tx, row);
		if (!revocable(grantOf(row), ballots))
			throw conflict(
				'seat_already_voted',
				'a ballot was already cast on a seat of this appointment for this vote'
			);
		const updated = await proxiesDb.update(tx, proxyId, { status: 'revoked', revokedAt: now });
		await record(tx, row.sessionId, 'proxy_revoked', actor, { proxyId }, now);
		return updated;
	});
	ctx.realtime.transcriptChanged(proxy.sessionId);
	if (proxy.holderId) ctx.realtime.seatsChanged(proxy.sessionId, proxy.holderId);
	ctx.log.info({ proxyId }, 'proxy revoked');
}

/** The ballots `revocable` weighs: on its seats in its vote, or cast under it elsewhere. */
async function ballotsOnSeats(tx: Parameters<typeof proxiesDb.findById>[0], p: proxiesDb.Proxy) {
	const out: { voteId: string; ownerKey: string; proxyId: string | null; open: boolean }[] = [];
	if (p.voteId) {
		const vote = await votesDb.findHead(tx, p.voteId);
		if (vote) {
			for (const ownerKey of p.ownerKeys) {
				const b = await votesDb.findBallot(tx, vote.id, seatKey(vote, ownerKey));
				if (b) out.push({ voteId: vote.id, ownerKey, proxyId: b.proxyId, open: true });
			}
		}
		return out;
	}
	for (const b of await proxiesDb.ballotsUnder(tx, p.id)) {
		out.push({ voteId: b.voteId, ownerKey: '', proxyId: p.id, open: b.status === 'open' });
	}
	return out;
}

/** Appointments a participant made; staff see every one of the session. */
export async function list(ctx: Ctx, viewer: Viewer, sessionId: string): Promise<ProxyView[]> {
	const rows = await proxiesDb.listForSession(ctx.db, sessionId);
	if (await can(ctx, viewer, 'session.console', { sessionId }))
		return rows.map((p) => toView(ctx, p));
	if (!viewer.authSessionId) throw unauthorized();
	const me = await participants.findByDevice(ctx.db, sessionId, viewer.authSessionId);
	if (!me) throw forbidden('join this session first');
	return rows.filter((p) => p.appointerId === me.id).map((p) => toView(ctx, p));
}

export interface ProxyJoinResult {
	participant: participants.Participant;
	sessionId: string;
	newCookie: { token: string; session: AuthSession } | null;
	proxy: { id: string; seats: string[] };
}

/**
 * Joining with a proxy link: the device's participant of the session (or a new one, role
 * `resident`) becomes the proxy. Null when the token is no proxy link. One holder per link:
 * another device → 410 `invite_used_up`; over the community's cap → 409 `proxy_cap`.
 */
export async function joinByToken(
	ctx: Ctx,
	viewer: Viewer,
	token: string,
	input: unknown,
	now = clock.now()
): Promise<ProxyJoinResult | null> {
	const found = await proxiesDb.findByToken(ctx.db, token);
	if (!found) return null;
	const { name } = parse(joinSchema, input);
	if (found.status === 'revoked')
		throw new ServiceError(410, 'invite_revoked', 'this proxy appointment was revoked');
	const session = await requireSession(ctx, found.sessionId);
	const cap = await capOf(ctx, session.communityId);
	const existing = viewer.authSessionId
		? await participants.findByDevice(ctx.db, session.id, viewer.authSessionId)
		: null;
	const answer = (
		participant: participants.Participant,
		newCookie: ProxyJoinResult['newCookie']
	) => ({
		participant,
		sessionId: session.id,
		newCookie,
		proxy: { id: found.id, seats: found.householdIds }
	});
	if (found.holderId) {
		if (existing && existing.id === found.holderId) return answer(existing, null);
		throw new ServiceError(410, 'invite_used_up', 'someone already took up this proxy link');
	}
	if (existing && existing.id === found.appointerId)
		throw conflict('invalid_proxy', 'an owner cannot be their own proxy');
	const result = await ctx.db.transaction(async (tx) => {
		await proxiesDb.lockSessionGrants(tx, found.sessionId);
		const row = (await proxiesDb.lock(tx, found.id))!;
		if (row.holderId || row.status === 'revoked')
			throw new ServiceError(410, 'invite_used_up', 'someone already took up this proxy link');
		const live = (await proxiesDb.liveInSession(tx, row.sessionId)).filter((p) => p.id !== row.id);
		if (existing && overCap(live.map(grantOf), existing.id, row.ownerKeys, cap))
			throw conflict('proxy_cap', `a proxy may hold at most ${cap} seats`);
		if (!existing && row.ownerKeys.length > cap)
			throw conflict('proxy_cap', `a proxy may hold at most ${cap} seats`);
		let participant = existing;
		let newCookie: ProxyJoinResult['newCookie'] = null;
		if (!participant) {
			let authSessionId = viewer.authSessionId;
			if (!authSessionId) {
				const cookie = generateSessionToken();
				const auth = await createSession(tx, cookie, null, now);
				newCookie = { token: cookie, session: auth };
				authSessionId = auth.id;
			}
			participant = await participants.insert(tx, {
				id: newId(),
				sessionId: row.sessionId,
				authSessionId,
				userId: null,
				inviteId: null,
				name,
				role: 'resident'
			});
			await record(tx, row.sessionId, 'participant_joined', actorOf(participant), {
				participantId: participant.id,
				name,
				role: 'resident',
				via: 'proxy'
			});
		}
		await proxiesDb.update(tx, row.id, { holderId: participant.id, holderName: participant.name });
		await record(tx, row.sessionId, 'proxy_accepted', proxyActor, { proxyId: row.id }, now);
		return answer(participant, newCookie);
	});
	ctx.realtime.presenceChanged(session.id, result.participant.id);
	ctx.realtime.seatsChanged(session.id, result.participant.id);
	ctx.realtime.transcriptChanged(session.id);
	return result;
}

/** What the join page shows for a proxy link (null: not one). */
export async function peek(ctx: Ctx, token: string) {
	const found = await proxiesDb.findByToken(ctx.db, token);
	if (!found) return null;
	const session = await sessionsDb.find(ctx.db, found.sessionId);
	return session ? { session, status: found.status, taken: found.holderId !== null } : null;
}
