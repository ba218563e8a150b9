import { and, desc, eq, isNull, or } from 'drizzle-orm';
import type { Db } from './client';
import { ballots, communities, communityMembers, invites, photos, proxies, users } from './schema';

export type CommunityMember = typeof communityMembers.$inferSelect;
export type Photo = typeof photos.$inferSelect;

export async function insertMember(
	db: Db,
	row: typeof communityMembers.$inferInsert
): Promise<CommunityMember> {
	const [member] = await db.insert(communityMembers).values(row).returning();
	return member!;
}

export async function findMemberByDevice(
	db: Db,
	communityId: string,
	authSessionId: string
): Promise<CommunityMember | null> {
	const rows = await db
		.select()
		.from(communityMembers)
		.where(
			and(
				eq(communityMembers.communityId, communityId),
				eq(communityMembers.authSessionId, authSessionId)
			)
		)
		.limit(1);
	return rows[0] ?? null;
}

export async function findMemberByUser(
	db: Db,
	communityId: string,
	userId: string
): Promise<CommunityMember | null> {
	const rows = await db
		.select()
		.from(communityMembers)
		.where(and(eq(communityMembers.communityId, communityId), eq(communityMembers.userId, userId)))
		.limit(1);
	return rows[0] ?? null;
}

export async function listCommunityInvites(db: Db, communityId: string) {
	return db
		.select()
		.from(invites)
		.where(eq(invites.communityId, communityId))
		.orderBy(desc(invites.createdAt));
}

export async function updateSettings(
	db: Db,
	id: string,
	set: Partial<
		Pick<
			typeof communities.$inferInsert,
			'name' | 'opinionHandThreshold' | 'opinionResponseHours' | 'noticeDays' | 'proxySeatCap'
		>
	>
) {
	const [row] = await db.update(communities).set(set).where(eq(communities.id, id)).returning();
	return row ?? null;
}

/** Accounts that answer residents: moderators and administrators. */
/**
 * Who answers a community's opinions: the deployment's administrators and the community's own
 * moderators (`isDefault`: also moderators with no community set, who work in it).
 */
export async function staffUserIds(
	db: Db,
	communityId: string,
	isDefault: boolean
): Promise<string[]> {
	const ofCommunity = isDefault
		? or(eq(users.communityId, communityId), isNull(users.communityId))
		: eq(users.communityId, communityId);
	const rows = await db
		.select({ id: users.id })
		.from(users)
		.where(or(eq(users.role, 'admin'), and(eq(users.role, 'moderator'), ofCommunity)));
	return rows.map((r) => r.id);
}

export async function insertPhoto(
	db: Db,
	row: typeof photos.$inferInsert
): Promise<{ id: string }> {
	const [photo] = await db.insert(photos).values(row).returning({ id: photos.id });
	return photo!;
}

export async function findPhoto(db: Db, id: string): Promise<Photo | null> {
	const rows = await db.select().from(photos).where(eq(photos.id, id)).limit(1);
	return rows[0] ?? null;
}

export async function photoCommunity(db: Db, id: string): Promise<string | null> {
	const rows = await db
		.select({ communityId: photos.communityId })
		.from(photos)
		.where(eq(photos.id, id))
		.limit(1);
	return rows[0]?.communityId ?? null;
}

/**
 * Whether a photo is evidence kept for staff: the scan of a paper ballot or of a signed proxy
 * form (names, signatures) — unlike an opinion's or a milestone's photo, which are public.
 */
export async function isEvidence(db: Db, id: string): Promise<boolean> {
	const [ballot] = await db
		.select({ id: ballots.id })
		.from(ballots)
		.where(eq(ballots.photoId, id))
		.limit(1);
	if (ballot) return true;
	const [proxy] = await db
		.select({ id: proxies.id })
		.from(proxies)
		.where(eq(proxies.photoId, id))
		.limit(1);
	return Boolean(proxy);
}
