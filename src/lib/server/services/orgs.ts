/**
 * Streets and communities of the deployment: administrators create them; street officials
 * and administrators keep a street's settings. The default street and community made at setup
 * stay, so a one-community install never needs these calls.
 */
import * as v from 'valibot';
import * as orgs from '../db/orgs';
import { newId } from '../ids';
import { requireCan, requireRole } from '../access/check';
import * as audit from './audit';
import type { Ctx, Viewer } from './context';
import { notFound, parse, ServiceError } from './errors';

/** A display name: trimmed, 1–100 characters, no control characters (NUL breaks Postgres). */
export const nameSchema = v.pipe(
	v.string('name: required'),
	v.trim(),
	v.minLength(1, 'name: must not be empty'),
	v.maxLength(100, 'name: at most 100 characters'),
	// eslint-disable-next-line no-control-regex
	v.regex(/^[^\u0000-\u001f\u007f]*$/, 'name: no control characters')
);

const createSchema = v.object({ name: nameSchema });

const streetSettingsSchema = v.pipe(
	v.object({
		name: v.optional(nameSchema),
		/** Hours to answer an escalated case; 0 makes every case due at once. */
		responseHours: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(24 * 30)))
	}),
	v.check(
		(b) => b.name !== undefined || b.responseHours !== undefined,
		'give name or responseHours'
	)
);

export async function createStreet(ctx: Ctx, viewer: Viewer, input: unknown) {
	await requireCan(ctx, viewer, 'deployment.manage', 'deployment');
	const { name } = parse(createSchema, input);
	const street = await orgs.insertStreet(ctx.db, { id: newId(), name });
	await audit.logBy(
		ctx,
		viewer,
		'street_created',
		{ streetId: street.id, target: street.id },
		{ name }
	);
	return { id: street.id, name: street.name };
}

export async function createCommunity(ctx: Ctx, viewer: Viewer, streetId: string, input: unknown) {
	await requireCan(ctx, viewer, 'deployment.manage', 'deployment');
	const { name } = parse(createSchema, input);
	const street = await orgs.findStreet(ctx.db, streetId);
	if (!street) throw notFound('street_not_found', 'street');
	const community = await orgs.insertCommunity(ctx.db, { id: newId(), streetId, name });
	await audit.logBy(
		ctx,
		viewer,
		'community_created',
		{ streetId, communityId: community.id, target: community.id },
		{ name }
	);
	return { id: community.id, name: community.name, streetId };
}

/** The street and community every install has (setup makes them; they can be renamed). */
export { DEFAULT_COMMUNITY_ID, DEFAULT_STREET_ID } from '../db/orgs';

/**
 * Every street and every community, each oldest first (public: residents' pages list them).
 * Streets carry their settings (response hours).
 */
export async function directory(ctx: Ctx) {
	const [streets, communities] = await Promise.all([
		orgs.listStreets(ctx.db),
		orgs.listCommunities(ctx.db)
	]);
	return { streets, communities };
}

/** A community's name, or null when there is none (public, as the directory is). */
export async function communityName(ctx: Ctx, communityId: string): Promise<string | null> {
	return (await orgs.findCommunity(ctx.db, communityId))?.name ?? null;
}

/** Every street with its communities, oldest first (public: residents' pages list them). */
export async function listStreets(ctx: Ctx) {
	const { streets, communities } = await directory(ctx);
	return streets.map((s) => ({
		id: s.id,
		name: s.name,
		communities: communities
			.filter((c) => c.streetId === s.id)
			.map((c) => ({ id: c.id, name: c.name, streetId: c.streetId }))
	}));
}

/**
 * Renames a street or a community (administrators). The name is parsed by the caller, which
 * words its own refusal; answers false when there is no such street or community.
 */
export async function rename(
	ctx: Ctx,
	viewer: Viewer,
	kind: 'street' | 'community',
	id: string,
	name: string
): Promise<boolean> {
	await requireCan(ctx, viewer, 'deployment.manage', 'deployment');
	return kind === 'street'
		? orgs.renameStreet(ctx.db, id, name)
		: orgs.renameCommunity(ctx.db, id, name);
}

/** Street settings: its name and the response time for escalated cases (admin, its street). */
export async function updateStreet(ctx: Ctx, viewer: Viewer, streetId: string, input: unknown) {
	requireRole(viewer, 'street.settings');
	const body = parse(streetSettingsSchema, input);
	await requireCan(ctx, viewer, 'street.settings', { streetId });
	const row = await orgs.updateStreet(ctx.db, streetId, body);
	if (!row) throw notFound('street_not_found', 'street');
	await audit.logBy(ctx, viewer, 'street_settings_changed', { streetId, target: streetId }, body);
	return { id: row.id, name: row.name, responseHours: row.responseHours };
}

/** Where a new account works: its community (moderator, clerk) or street (street official). */
export async function scopeOfNewAccount(
	ctx: Ctx,
	role: string,
	input: { communityId?: unknown; streetId?: unknown }
): Promise<{ communityId: string | null; streetId: string | null }> {
	const { communityId, streetId } = input;
	for (const [key, value] of [
		['communityId', communityId],
		['streetId', streetId]
	] as const) {
		if (value !== undefined && value !== null && (typeof value !== 'string' || value === '')) {
			throw new ServiceError(400, 'invalid_payload', `${key}: must be an id`);
		}
	}
	if (role === 'moderator' || role === 'clerk') {
		if (streetId) throw new ServiceError(400, 'invalid_payload', 'streetId: only for street');
		if (!communityId) return { communityId: orgs.DEFAULT_COMMUNITY_ID, streetId: null };
		if (!(await orgs.findCommunity(ctx.db, communityId as string)))
			throw notFound('community_not_found', 'community');
		return { communityId: communityId as string, streetId: null };
	}
	if (role === 'street') {
		if (communityId) throw new ServiceError(400, 'invalid_payload', 'communityId: not for street');
		if (!streetId) return { communityId: null, streetId: orgs.DEFAULT_STREET_ID };
		if (!(await orgs.findStreet(ctx.db, streetId as string)))
			throw notFound('street_not_found', 'street');
		return { communityId: null, streetId: streetId as string };
	}
	if (communityId || streetId)
		throw new ServiceError(400, 'invalid_payload', 'an administrator has no community or street');
	return { communityId: null, streetId: null };
}
