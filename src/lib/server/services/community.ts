/**
 * Community participants (REFERENCE.md §6): devices that joined through a standing community link
 * (the QR in the lobby). They post opinions, raise hands, rate projects, and enter the
 * community's cloud sessions under the same name and role without another invite.
 */
import * as audit from './audit';
import { createInviteSchema } from '$lib/protocol/api';
import { communitySettingsSchema } from '$lib/protocol/community';
import * as clock from '../clock';
import * as communityDb from '../db/community';
import * as invitesDb from '../db/invites';
import * as orgs from '../db/orgs';
import * as participants from '../db/participants';
import type { SessionWithItems } from '../db/sessions';
import type { AuthSession } from '../auth/session';
import { newId, newToken } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError, unauthorized } from './errors';
import { inviteProblem, takeUse } from './invite-use';
import { isStaff, requireCan } from '../access/check';
import { actorOf, record } from './transcript';

export type CommunityMember = communityDb.CommunityMember;

export async function requireCommunity(ctx: Ctx, communityId: string) {
	const community = await orgs.findCommunity(ctx.db, communityId);
	if (!community) throw notFound('community_not_found', 'community');
	return community;
}

/** The viewer's community participant in this community, or null. */
export async function findMember(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string
): Promise<CommunityMember | null> {
	if (viewer.user) {
		const own = await communityDb.findMemberByUser(ctx.db, communityId, viewer.user.id);
		if (own) return own;
	}
	if (viewer.authSessionId) {
		return communityDb.findMemberByDevice(ctx.db, communityId, viewer.authSessionId);
	}
	return null;
}

/** Throws unless the viewer is a participant of this community (401 without any cookie). */
export async function requireMember(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string
): Promise<CommunityMember> {
	if (!viewer.authSessionId && !viewer.user) throw unauthorized();
	const member = await findMember(ctx, viewer, communityId);
	if (!member)
		throw forbidden('join the community first (scan the community QR code in the lobby)');
	return member;
}

// ---------------------------------------------------------------------------------------------
// Standing community links

export async function createInvite(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string,
	input: unknown,
	now = clock.now()
): Promise<invitesDb.Invite> {
	const user = await requireCan(ctx, viewer, 'community.manage', { communityId });
	const body = parse(createInviteSchema, input);
	const invite = await invitesDb.insert(ctx.db, {
		id: newId(),
		sessionId: null,
		communityId,
		token: newToken(),
		role: body.role,
		maxUses: body.maxUses ?? null,
		expiresAt: body.expiresInMinutes
			? new Date(now.getTime() + body.expiresInMinutes * 60_000)
			: null,
		createdBy: user.id
	});
	ctx.log.info({ communityId, inviteId: invite.id, role: invite.role }, 'community link created');
	await audit.logOn(ctx, viewer, 'invite_created', { communityId }, invite.id, {
		role: invite.role,
		maxUses: invite.maxUses,
		expiresAt: invite.expiresAt?.toISOString() ?? null
	});
	return invite;
}

export async function listInvites(ctx: Ctx, viewer: Viewer, communityId: string) {
	await requireCan(ctx, viewer, 'community.manage', { communityId });
	return communityDb.listCommunityInvites(ctx.db, communityId);
}

/**
 * A standing link of this community for its printed lobby poster: `invite` is null when the id
 * names no link of this community. Moderators and administrators (the role, as the poster page
 * has always checked it).
 */
export async function posterInvite(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string,
	inviteId: string
): Promise<{ community: orgs.Community; invite: invitesDb.Invite | null }> {
	await requireCan(ctx, viewer, 'community.manage', { communityId });
	const community = await requireCommunity(ctx, communityId);
	const invite = await invitesDb.findById(ctx.db, inviteId);
	return { community, invite: invite?.communityId === community.id ? invite : null };
}

export interface CommunityJoinResult {
	member: CommunityMember;
	communityId: string;
	newCookie: { token: string; session: AuthSession } | null;
}

/**
 * Joining through a community link: one use = one community participant. The same device coming
 * back gets the same member and uses nothing (even once the link ran out).
 */
export async function joinCommunity(
	ctx: Ctx,
	viewer: Viewer,
	invite: invitesDb.Invite & { communityId: string },
	name: string,
	now = clock.now()
): Promise<CommunityJoinResult> {
	const communityId = invite.communityId;
	if (viewer.authSessionId) {
		const existing = await communityDb.findMemberByDevice(
			ctx.db,
			communityId,
			viewer.authSessionId
		);
		if (existing) return { member: existing, communityId, newCookie: null };
	}
	const problem = inviteProblem(invite, now);
	if (problem) throw problem;
	const result = await ctx.db.transaction(async (tx) => {
		const { authSessionId, newCookie } = await takeUse(tx, viewer, invite, now);
		const member = await communityDb.insertMember(tx, {
			id: newId(),
			communityId,
			authSessionId,
			userId: null,
			inviteId: invite.id,
			name,
			role: invite.role
		});
		return { member, communityId, newCookie };
	});
	ctx.log.info({ communityId, memberId: result.member.id }, 'joined community');
	return result;
}

// ---------------------------------------------------------------------------------------------
// Entering the community's cloud sessions

/**
 * A community participant who opens one of the community's cloud sessions (e.g. the one a project
 * opened) becomes a participant there with the member's name and role, without another invite.
 * Null when the viewer is not a member of the session's community (or it is not a cloud session).
 */
export async function enterAsMember(
	ctx: Ctx,
	viewer: Viewer,
	session: Pick<SessionWithItems, 'id' | 'communityId' | 'kind'>
): Promise<participants.Participant | null> {
	if (session.kind !== 'cloud' || !viewer.authSessionId) return null;
	// Staff enter with their account's role (sessions.enterRoom), never as a resident.
	if (isStaff(viewer)) return null;
	const member = await communityDb.findMemberByDevice(
		ctx.db,
		session.communityId,
		viewer.authSessionId
	);
	if (!member) return null;
	const authSessionId = viewer.authSessionId;
	return ctx.db
		.transaction(async (tx) => {
			const created = await participants.insert(tx, {
				id: newId(),
				sessionId: session.id,
				authSessionId,
				userId: null,
				inviteId: member.inviteId,
				name: member.name,
				role: member.role
			});
			await record(tx, session.id, 'participant_joined', actorOf(created), {
				participantId: created.id,
				name: created.name,
				role: created.role,
				via: 'community',
				memberId: member.id
			});
			return created;
		})
		.catch(async (error: unknown) => {
			// Two tabs of the same phone raced; the unique key kept one row.
			const again = await participants.findByDevice(ctx.db, session.id, authSessionId);
			if (again) return again;
			throw error;
		});
}

// ---------------------------------------------------------------------------------------------
// Settings

export async function updateSettings(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string,
	input: unknown
) {
	await requireCan(ctx, viewer, 'community.manage', { communityId });
	const body = parse(communitySettingsSchema, input);
	if (!Object.values(body).some((value) => value !== undefined))
		throw new ServiceError(400, 'invalid_payload', 'name at least one setting to change');
	const updated = await communityDb.updateSettings(ctx.db, communityId, body);
	if (!updated) throw notFound('community_not_found', 'community');
	ctx.log.info({ communityId, ...body }, 'community settings changed');
	await audit.logOn(ctx, viewer, 'community_settings_changed', { communityId }, communityId, body);
	return settingsView(updated);
}

/** The settings form of a community: for those who may change them, as `updateSettings`. */
export async function settingsFor(ctx: Ctx, viewer: Viewer, communityId: string) {
	await requireCan(ctx, viewer, 'community.manage', { communityId });
	return settingsView(await requireCommunity(ctx, communityId));
}

export function settingsView(c: orgs.Community) {
	return {
		id: c.id,
		name: c.name,
		streetId: c.streetId,
		opinionHandThreshold: c.opinionHandThreshold,
		opinionResponseHours: c.opinionResponseHours,
		noticeDays: c.noticeDays,
		proxySeatCap: c.proxySeatCap
	};
}
