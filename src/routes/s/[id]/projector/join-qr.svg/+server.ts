import { can } from '$lib/server/access/check';
import { error } from '@sveltejs/kit';
import type { Invite } from '$lib/server/db/invites';
import * as invitesDb from '$lib/server/db/invites';
import * as sessionsDb from '$lib/server/db/sessions';
import type { Ctx } from '$lib/server/services/context';
import * as invites from '$lib/server/services/invites';
import * as sessions from '$lib/server/services/sessions';
import type { RequestHandler } from './$types';

const JOIN_ROLES = new Set(['resident', 'owner']);

/** The link the hall scans: the newest resident or owner invite that still admits people. */
export async function _joinInvite(
	ctx: Ctx,
	sessionId: string,
	now = new Date()
): Promise<Invite | null> {
	const list = await invitesDb.listForSession(ctx.db, sessionId);
	return list.find((i) => JOIN_ROLES.has(i.role) && invites.inviteProblem(i, now) === null) ?? null;
}

/**
 * The join QR for the projector box, which is often an `observer` participant rather than a
 * moderator (whose `/qr/<id>.svg` it cannot read). Any member of the session may fetch it:
 * the hall sees it on the wall anyway.
 */
export const GET: RequestHandler = async ({ locals, params }) => {
	const { ctx, viewer } = locals;
	if (!viewer.authSessionId) error(401, { code: 'unauthorized', message: 'sign in first' });
	const session = await sessionsDb.find(ctx.db, params.id);
	if (!session) error(404, { code: 'session_not_found', message: 'session not found' });
	if (
		!(await can(ctx, viewer, 'session.enter', { sessionId: session.id })) &&
		!(await sessions.findMember(ctx, viewer, session.id))
	) {
		error(403, { code: 'forbidden', message: 'not a member of this session' });
	}
	const invite = await _joinInvite(ctx, session.id);
	if (!invite)
		error(404, { code: 'invite_not_found', message: 'no live resident or owner invite' });
	const svg = await invites.qrSvg(invites.inviteUrl(ctx, invite.token));
	return new Response(svg, {
		headers: {
			'content-type': 'image/svg+xml; charset=utf-8',
			'cache-control': 'private, max-age=60'
		}
	});
};
