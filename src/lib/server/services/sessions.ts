import { notice } from '$lib/notice-text';
import { createSessionSchema } from '$lib/protocol/api';
import { extendSessionSchema } from '$lib/protocol/cloud';
import { checkExtension, checkSessionWindow, formatShanghai, hasOpened } from '$lib/deadlines';
import * as clock from '../clock';
import { notify } from './notifications';
import { canWrite, type Role } from '$lib/protocol/roles';
import { can, requireCan, requireRole } from '../access/check';
import type { SessionStateView } from '$lib/protocol';
import * as sessions from '../db/sessions';
import * as documents from '../db/documents';
import { proposalFromText } from '../domain/proposal-text';
import * as participants from '../db/participants';
import { DEFAULT_COMMUNITY_ID } from '../db/orgs';
import { newId } from '../ids';
import type { Ctx, Viewer } from './context';
import * as communityService from './community';
import { actorOf, actorOfUser, record } from './transcript';
import * as outcomesDb from '../db/outcomes';
import { forbidden, notFound, parse, ServiceError, unauthorized } from './errors';
import { participantCanWrite } from './session-access';
import { windowError } from './session-window';

export type SessionWithItems = sessions.SessionWithItems;

export interface SessionView {
	id: string;
	title: string;
	kind: 'live' | 'cloud';
	status: 'open' | 'closed';
	communityId: string;
	opensAt: string | null;
	closesAt: string | null;
	currentItemId: string | null;
	items: {
		id: string;
		title: string;
		body: string | null;
		status: SessionStateView['items'][number]['status'];
		docName: string;
	}[];
}

export function toView(s: SessionWithItems): SessionView {
	return {
		id: s.id,
		title: s.title,
		kind: s.kind,
		status: s.status,
		communityId: s.communityId,
		opensAt: s.opensAt?.toISOString() ?? null,
		closesAt: s.closesAt?.toISOString() ?? null,
		currentItemId: s.currentItemId,
		items: s.items.map((i) => ({
			id: i.id,
			title: i.title,
			body: i.body,
			status: i.status,
			docName: i.docName
		}))
	};
}

/**
 * The community a new session belongs to: the moderator's own; `communityId` in the body is for
 * administrators (a moderator may only name their own).
 */
async function communityOfNewSession(ctx: Ctx, viewer: Viewer, input: unknown): Promise<string> {
	const user = requireRole(viewer, 'sessions.create');
	const asked =
		input && typeof input === 'object' ? (input as { communityId?: unknown }).communityId : null;
	if (asked !== undefined && asked !== null && typeof asked !== 'string') {
		throw new ServiceError(400, 'invalid_payload', 'communityId: must be a string');
	}
	const communityId = asked ?? user.communityId ?? DEFAULT_COMMUNITY_ID;
	if (asked && user.role !== 'admin' && asked !== (user.communityId ?? DEFAULT_COMMUNITY_ID)) {
		throw forbidden('only an administrator opens a session in another community');
	}
	await requireCan(ctx, viewer, 'sessions.create', { communityId });
	return communityId;
}

export async function create(ctx: Ctx, viewer: Viewer, input: unknown): Promise<SessionWithItems> {
	const user = requireRole(viewer, 'sessions.create');
	const body = parse(createSessionSchema, input);
	const communityId = await communityOfNewSession(ctx, viewer, input);
	const window = body.kind === 'cloud' ? cloudWindow(body.opensAt, body.closesAt) : null;
	const id = newId();
	const items = body.items.map((item, position) => {
		const itemId = newId();
		return {
			id: itemId,
			sessionId: id,
			position,
			title: item.title,
			body: item.body ?? null,
			docName: `item-${itemId}`
		};
	});
	const created = await ctx.db.transaction(async (tx) => {
		const session = await sessions.insert(
			tx,
			{
				id,
				communityId,
				title: body.title,
				kind: body.kind,
				currentItemId: items[0]?.id ?? null,
				opensAt: window?.opensAt ?? null,
				closesAt: window?.closesAt ?? null,
				createdBy: user.id
			},
			items
		);
		// An item's body is its proposal's first text (REFERENCE.md §2–§3): a participant opening
		// `/yjs/<docName>` — our editor or any y-prosemirror client — reads it there.
		for (const item of items) {
			const seed = item.body ? proposalFromText(item.body) : null;
			if (seed) await documents.append(tx, item.docName, [seed]);
		}
		await record(tx, id, 'session_created', actorOfUser(user), {
			title: session.title,
			kind: session.kind,
			...(window
				? { opensAt: window.opensAt.toISOString(), closesAt: window.closesAt.toISOString() }
				: {}),
			items: session.items.map((i) => ({ id: i.id, title: i.title, body: i.body }))
		});
		return session;
	});
	ctx.log.info({ sessionId: id, by: user.id }, 'session created');
	if (window) ctx.timers.poke();
	return created;
}

/** A cloud session's window: opens now unless told otherwise, ends in the future after that. */
function cloudWindow(opensAtIso?: string, closesAtIso?: string) {
	const now = clock.now();
	const opensAt = opensAtIso ? new Date(opensAtIso) : now;
	const closesAt = closesAtIso ? new Date(closesAtIso) : null;
	const error = checkSessionWindow({ opensAt, closesAt }, now);
	if (error) throw windowError(error);
	return { opensAt, closesAt: closesAt! };
}

/** Moves a cloud session's end later (moderator; the session must still be open). */
export async function extend(ctx: Ctx, viewer: Viewer, sessionId: string, input: unknown) {
	const user = await requireCan(ctx, viewer, 'session.run', { sessionId });
	const { closesAt: iso } = parse(extendSessionSchema, input);
	const next = new Date(iso);
	await ctx.db.transaction(async (tx) => {
		const row = await sessions.lock(tx, sessionId);
		if (!row) throw notFound('session_not_found', 'session');
		if (row.status !== 'open')
			throw new ServiceError(409, 'session_closed', 'this session is closed');
		if (row.kind !== 'cloud')
			throw new ServiceError(409, 'not_cloud_session', 'only a cloud session has an end to move');
		const error = checkExtension(row.closesAt, next, clock.now());
		if (error) throw windowError(error);
		await sessions.setClosesAt(tx, sessionId, next);
		await record(tx, sessionId, 'session_extended', actorOfUser(user), {
			from: row.closesAt?.toISOString() ?? null,
			to: next.toISOString()
		});
		await notify(
			tx,
			{ audience: 'session', sessionId },
			{
				...notice('session_extended', { title: row.title, at: formatShanghai(next) }),
				url: `/s/${sessionId}`
			}
		);
	});
	ctx.log.info({ sessionId, closesAt: next.toISOString() }, 'session extended');
	ctx.realtime.sessionChanged(sessionId);
	ctx.timers.poke();
	return (await sessions.find(ctx.db, sessionId))!;
}

/** The staff home page's sessions: the community's own; every community's for administrators. */
export async function list(ctx: Ctx, viewer: Viewer) {
	const user = requireRole(viewer, 'sessions.list');
	if (user.role === 'admin') return sessions.list(ctx.db);
	return sessions.list(ctx.db, 100, user.communityId ?? DEFAULT_COMMUNITY_ID);
}

/** The participant this viewer is in a session, or null when they are not a member. */
export async function findMember(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string
): Promise<participants.Participant | null> {
	if (viewer.user) {
		const own = await participants.findByUser(ctx.db, sessionId, viewer.user.id);
		if (own) return own;
	}
	if (viewer.authSessionId) {
		return participants.findByDevice(ctx.db, sessionId, viewer.authSessionId);
	}
	return null;
}

/**
 * The viewer's participant in a session: an existing one, or — for staff opening the room —
 * a new one with the account's role. Throws when the viewer has no place in the room.
 */
export async function enterRoom(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string
): Promise<{ session: SessionWithItems; participant: participants.Participant }> {
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	const member = await findMember(ctx, viewer, sessionId);
	if (member?.status === 'removed') throw forbidden('removed from this session');
	if (member) return { session, participant: member };
	// A community participant enters the community's cloud sessions without another invite.
	const viaCommunity = await communityService.enterAsMember(ctx, viewer, session);
	if (viaCommunity) return { session, participant: viaCommunity };
	if (!viewer.user)
		throw viewer.authSessionId ? forbidden('not a member of this session') : unauthorized();
	if (!(await can(ctx, viewer, 'session.enter', { sessionId })))
		throw forbidden('not a member of this session');
	const participant = await ctx.db
		.transaction(async (tx) => {
			const created = await participants.insert(tx, {
				id: newId(),
				sessionId,
				userId: viewer.user!.id,
				name: viewer.user!.username,
				role: viewer.user!.role
			});
			await record(tx, sessionId, 'participant_joined', actorOf(created), {
				participantId: created.id,
				name: created.name,
				role: created.role,
				via: 'account'
			});
			return created;
		})
		.catch(async (error: unknown) => {
			// Two tabs of the same account raced; the unique key kept one row.
			const again = await participants.findByUser(ctx.db, sessionId, viewer.user!.id);
			if (again) return again;
			throw error;
		});
	return { session, participant };
}

export async function get(ctx: Ctx, viewer: Viewer, id: string): Promise<SessionWithItems> {
	const session = await sessions.find(ctx.db, id);
	if (!session) throw notFound('session_not_found', 'session');
	if (session.status === 'closed' || (await can(ctx, viewer, 'session.enter', { sessionId: id })))
		return session;
	if (!viewer.authSessionId && !viewer.user) throw unauthorized();
	const member = await findMember(ctx, viewer, id);
	if (!member || member.status === 'removed') throw forbidden('not a member of this session');
	return session;
}

/** Whether this viewer may write into a proposal document, decided from the database. */
export async function documentAccess(
	ctx: Ctx,
	viewer: Viewer,
	docName: string
): Promise<
	| { ok: true; canWrite: boolean; authSessionId: string; author?: string }
	| { ok: false; status: 401 | 403 | 404 }
> {
	if (!viewer.authSessionId) return { ok: false, status: 401 };
	const found = await sessions.findItemByDocName(ctx.db, docName);
	if (!found) return { ok: false, status: 404 };
	const member = await findMember(ctx, viewer, found.session.id);
	if (member?.status === 'removed') return { ok: false, status: 403 };
	const staff = await can(ctx, viewer, 'session.enter', { sessionId: found.session.id });
	const role = (member?.role ?? (staff ? viewer.user!.role : null)) as Role | null;
	if (!role) return { ok: false, status: 403 };
	// Before a cloud session opens, staff prepare the proposals; participants only read.
	const started = staff || hasOpened(found.session.opensAt, clock.now());
	// In the amending phase the proposal changes only through accepted amendments.
	const amending = await outcomesDb.isAmending(ctx.db, found.item);
	return {
		ok: true,
		canWrite:
			started &&
			!amending &&
			(member
				? participantCanWrite(member, found.session.status)
				: canWrite(role, found.session.status)),
		authSessionId: viewer.authSessionId,
		author: member?.name ?? viewer.user?.username
	};
}
