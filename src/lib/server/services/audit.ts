/**
 * The audit log of staff actions outside a room — accounts, streets and communities, invites,
 * the register, settings, webhooks, hides: who, when, what, from where. What happens inside a
 * session is in its transcript already; this is the trace for everything else.
 */
import * as v from 'valibot';
import type { SessionUser } from '../auth/session';
import * as auditDb from '../db/audit';
import * as scopes from '../db/scope';
import type { Json } from '../domain/transcript';
import { requireCan, requireRole } from '../access/check';
import { DEFAULT_COMMUNITY_ID } from '../access/capabilities';
import type { Ctx, Viewer } from './context';
import { parse } from './errors';

export interface Where {
	communityId?: string | null;
	streetId?: string | null;
	target?: string | null;
	ip?: string | null;
}

/**
 * Records a staff action. It runs after the action committed; a failure to record is logged
 * loudly but does not turn a done action into an error the client would retry.
 */
export async function log(
	ctx: Ctx,
	who: Pick<SessionUser, 'id' | 'username'> | null,
	action: string,
	where: Where,
	data: Record<string, unknown> = {}
): Promise<void> {
	try {
		await auditDb.append(ctx.db, {
			userId: who?.id ?? null,
			username: who?.username ?? null,
			action,
			communityId: where.communityId ?? null,
			streetId: where.streetId ?? null,
			target: where.target ?? null,
			data: data as Json,
			ip: where.ip ?? null
		});
	} catch (err) {
		ctx.log.error({ err, action }, 'audit entry not recorded');
	}
}

/** The same, for a viewer's action (its address comes with the viewer). */
export function logBy(
	ctx: Ctx,
	viewer: Viewer,
	action: string,
	where: Omit<Where, 'ip'>,
	data: Record<string, unknown> = {}
) {
	return log(ctx, viewer.user, action, { ...where, ip: viewer.ip ?? null }, data);
}

const querySchema = v.object({
	communityId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
	before: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'before: an entry id'))),
	limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,3}$/, 'limit: 1–500')))
});

/** Administrators read every entry; a community's moderators that community's. */
export async function list(ctx: Ctx, viewer: Viewer, query: Record<string, string>) {
	const user = requireRole(viewer, 'audit.read');
	const q = parse(querySchema, query);
	const communityId =
		q.communityId ??
		(user.role === 'admin' ? undefined : (user.communityId ?? DEFAULT_COMMUNITY_ID));
	if (communityId) await requireCan(ctx, viewer, 'audit.read', { communityId });
	else await requireCan(ctx, viewer, 'audit.read', 'deployment');
	const limit = Math.min(500, Math.max(1, Number(q.limit ?? 100)));
	const rows = await auditDb.list(ctx.db, {
		communityId,
		before: q.before ? Number(q.before) : undefined,
		limit
	});
	return {
		entries: rows.map((r) => ({
			id: r.id,
			at: r.at.toISOString(),
			user: r.userId ? { id: r.userId, username: r.username } : null,
			action: r.action,
			communityId: r.communityId,
			streetId: r.streetId,
			target: r.target,
			data: r.data,
			ip: r.ip
		}))
	};
}

/** The same, placed by the object it acted on (its community and street are looked up). */
export async function logOn(
	ctx: Ctx,
	viewer: Viewer,
	action: string,
	on: scopes.ScopeTarget,
	target: string,
	data: Record<string, unknown> = {}
) {
	const where = await scopes.find(ctx.db, on).catch(() => null);
	await logBy(
		ctx,
		viewer,
		action,
		{ communityId: where?.communityId || null, streetId: where?.streetId ?? null, target },
		data
	);
}
