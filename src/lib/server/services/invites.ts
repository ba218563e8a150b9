import * as audit from './audit';
import * as clock from '../clock';
import QRCode from 'qrcode';
import { createInviteSchema, joinSchema } from '$lib/protocol/api';
import * as invites from '../db/invites';
import * as participants from '../db/participants';
import * as sessions from '../db/sessions';
import type { AuthSession } from '../auth/session';
import { newId, newToken } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, unauthorized } from './errors';
import { actorOf, actorOfUser, record } from './transcript';
import { can, requireCan, requireRole } from '../access/check';
import * as orgs from '../db/orgs';
import { joinCommunity, type CommunityJoinResult } from './community';
import { inviteProblem, takeUse } from './invite-use';
import * as sessionsService from './sessions';

export { inviteProblem };
export type Invite = invites.Invite;

export interface InviteView {
	id: string;
	url: string;
	role: string;
	expiresAt: string | null;
	maxUses: number | null;
	uses: number;
	revoked: boolean;
}

export const inviteUrl = (ctx: Ctx, token: string) => `${ctx.config.origin}/join/${token}`;

export function toView(ctx: Ctx, invite: invites.Invite): InviteView {
	return {
		id: invite.id,
		url: inviteUrl(ctx, invite.token),
		role: invite.role,
		expiresAt: invite.expiresAt?.toISOString() ?? null,
		maxUses: invite.maxUses,
		uses: invite.uses,
		revoked: invite.revokedAt !== null
	};
}

/** A QR code as a self-contained SVG (node-qrcode: maintained, no canvas needed server-side). */
export function qrSvg(text: string): Promise<string> {
	return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

export async function create(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	input: unknown,
	now = clock.now()
): Promise<invites.Invite> {
	requireRole(viewer, 'session.run');
	const body = parse(createInviteSchema, input);
	const user = await requireCan(ctx, viewer, 'session.run', { sessionId });
	const invite = await invites.insert(ctx.db, {
		id: newId(),
		sessionId,
		token: newToken(),
		role: body.role,
		maxUses: body.maxUses ?? null,
		expiresAt: body.expiresInMinutes
			? new Date(now.getTime() + body.expiresInMinutes * 60_000)
			: null,
		createdBy: user.id
	});
	ctx.log.info({ sessionId, inviteId: invite.id, role: invite.role }, 'invite created');
	await audit.logOn(ctx, viewer, 'invite_created', { sessionId }, invite.id, {
		sessionId,
		role: invite.role,
		maxUses: invite.maxUses,
		expiresAt: invite.expiresAt?.toISOString() ?? null
	});
	return invite;
}

/**
 * The link behind an invite's QR code. Only for whoever runs the invite's session: moderators,
 * and the street office for the consultation sessions it opens on a case.
 */
export async function qrLink(ctx: Ctx, viewer: Viewer, inviteId: string): Promise<string> {
	if (!viewer.user) throw unauthorized();
	const invite = await invites.findById(ctx.db, inviteId);
	if (!invite) throw notFound('invite_not_found', 'invite');
	const allowed = invite.sessionId
		? await can(ctx, viewer, 'session.run', { sessionId: invite.sessionId })
		: await can(ctx, viewer, 'community.manage', { communityId: invite.communityId! });
	if (!allowed) throw forbidden();
	return inviteUrl(ctx, invite.token);
}

const JOIN_ROLES = new Set(['resident', 'owner']);

/**
 * The link the hall scans: the session's newest resident or owner invite that still admits
 * people, or null. Any member of the session may read it (the projector box is often an
 * `observer` participant, not a moderator): the hall sees it on the wall anyway.
 */
export async function joinInvite(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	now = new Date()
): Promise<invites.Invite | null> {
	if (!viewer.authSessionId) throw unauthorized();
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (
		!(await can(ctx, viewer, 'session.enter', { sessionId: session.id })) &&
		!(await sessionsService.findMember(ctx, viewer, session.id))
	) {
		throw forbidden('not a member of this session');
	}
	const list = await invites.listForSession(ctx.db, session.id);
	return list.find((i) => JOIN_ROLES.has(i.role) && inviteProblem(i, now) === null) ?? null;
}

export async function list(ctx: Ctx, viewer: Viewer, sessionId: string) {
	await requireCan(ctx, viewer, 'session.run', { sessionId });
	return invites.listForSession(ctx.db, sessionId);
}

/**
 * Withdraws a link. With `removeJoined` (a leaked link) everyone still in the room who joined
 * with it is removed too, each removal recorded in the transcript as the moderator's; the
 * moderator chooses, since most people who joined by a withdrawn link belong there.
 */
export async function revoke(
	ctx: Ctx,
	viewer: Viewer,
	inviteId: string,
	options: { removeJoined?: boolean } = {},
	now = clock.now()
): Promise<{ removed: number }> {
	requireRole(viewer, 'session.run');
	const invite = await invites.findById(ctx.db, inviteId);
	if (!invite) throw notFound('invite_not_found', 'invite');
	const user = invite.sessionId
		? await requireCan(ctx, viewer, 'session.run', { sessionId: invite.sessionId })
		: await requireCan(ctx, viewer, 'community.manage', { communityId: invite.communityId! });
	const sessionId = invite.sessionId;
	let removed: participants.Participant[] = [];
	if (options.removeJoined && sessionId) {
		removed = await ctx.db.transaction(async (tx) => {
			const joined = await participants.joinedWith(tx, inviteId);
			await invites.revoke(tx, inviteId, now);
			for (const p of joined) {
				await participants.setStatus(tx, p.id, 'removed');
				await record(tx, sessionId, 'participant_removed', actorOfUser(user), {
					participantId: p.id,
					name: p.name,
					inviteId
				});
			}
			return joined;
		});
		for (const p of removed) ctx.realtime.participantChanged(sessionId, p.id, p.authSessionId);
	} else {
		await invites.revoke(ctx.db, inviteId, now);
	}
	ctx.log.info({ inviteId, removed: removed.length }, 'invite revoked');
	await audit.logOn(ctx, viewer, 'invite_revoked', { inviteId }, inviteId, {
		sessionId: invite.sessionId,
		role: invite.role,
		removed: removed.length
	});
	return { removed: removed.length };
}

export async function peek(ctx: Ctx, token: string, now = clock.now()) {
	const invite = await invites.findByToken(ctx.db, token);
	const problem = inviteProblem(invite, now);
	const session = invite?.sessionId ? await sessions.find(ctx.db, invite.sessionId) : null;
	const community = invite?.communityId
		? await orgs.findCommunity(ctx.db, invite.communityId)
		: null;
	return { invite, problem, session, community };
}

export interface JoinResult {
	participant: participants.Participant;
	sessionId: string;
	/** Set when the device had no valid auth session: the caller sets this cookie. */
	newCookie: { token: string; session: AuthSession } | null;
}

/**
 * One use of an invite = one participant. A device that already joined this session (its
 * auth session has a participant there) gets the same participant back and uses nothing.
 */
export async function join(
	ctx: Ctx,
	viewer: Viewer,
	token: string,
	input: unknown,
	now = clock.now()
): Promise<JoinResult | CommunityJoinResult> {
	const { name } = parse(joinSchema, input);
	const found = await invites.findByToken(ctx.db, token);
	if (!found) throw inviteProblem(null, now)!;
	// A standing community link (REFERENCE.md §6) makes a community participant instead.
	if (found.communityId) {
		return joinCommunity(ctx, viewer, { ...found, communityId: found.communityId }, name, now);
	}
	if (!found.sessionId) throw inviteProblem(null, now)!;
	const invite = { ...found, sessionId: found.sessionId };
	if (viewer.authSessionId) {
		const existing = await participants.findByDevice(
			ctx.db,
			invite.sessionId,
			viewer.authSessionId
		);
		if (existing) return { participant: existing, sessionId: invite.sessionId, newCookie: null };
	}
	const problem = inviteProblem(invite, now);
	if (problem) throw problem;
	const result = await ctx.db.transaction(async (tx) => {
		const { authSessionId, newCookie } = await takeUse(tx, viewer, invite, now);
		const participant = await participants.insert(tx, {
			id: newId(),
			sessionId: invite.sessionId,
			authSessionId,
			// A person who came by link is that participant, not their account (if any).
			userId: null,
			inviteId: invite.id,
			name,
			role: invite.role
		});
		await record(tx, invite.sessionId, 'participant_joined', actorOf(participant), {
			participantId: participant.id,
			name,
			role: invite.role,
			via: 'invite',
			inviteId: invite.id
		});
		return { participant, sessionId: invite.sessionId, newCookie };
	});
	ctx.log.info({ sessionId: invite.sessionId, participantId: result.participant.id }, 'joined');
	ctx.realtime.presenceChanged(invite.sessionId, result.participant.id);
	return result;
}
