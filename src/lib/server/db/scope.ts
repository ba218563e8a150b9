/**
 * Where an object sits (session → community → street), for the access checks in
 * `src/lib/server/access/`. Each lookup answers null when the object does not exist.
 */
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import {
	comments,
	communities,
	escalations,
	households,
	invites,
	items,
	opinions,
	projects,
	sessions,
	streets,
	votes
} from './schema';

export interface ObjectScope {
	communityId: string;
	streetId: string;
	/** Set for a session: the street's consultation on a case (约请). */
	consultation?: boolean;
	sessionId?: string;
}

async function ofCommunity(db: Db, communityId: string): Promise<ObjectScope | null> {
	const [row] = await db
		.select({ streetId: communities.streetId })
		.from(communities)
		.where(eq(communities.id, communityId))
		.limit(1);
	return row ? { communityId, streetId: row.streetId } : null;
}

async function ofSession(db: Db, sessionId: string): Promise<ObjectScope | null> {
	const [row] = await db
		.select({
			communityId: sessions.communityId,
			escalationId: sessions.escalationId,
			streetId: communities.streetId
		})
		.from(sessions)
		.innerJoin(communities, eq(communities.id, sessions.communityId))
		.where(eq(sessions.id, sessionId))
		.limit(1);
	return row
		? {
				communityId: row.communityId,
				streetId: row.streetId,
				consultation: row.escalationId !== null,
				sessionId
			}
		: null;
}

async function sessionIdOf(
	db: Db,
	table: typeof items | typeof votes | typeof comments,
	id: string
): Promise<string | null> {
	const [row] = await db
		.select({ sessionId: table.sessionId })
		.from(table)
		.where(eq(table.id, id))
		.limit(1);
	return row?.sessionId ?? null;
}

export type ScopeTarget =
	| { sessionId: string }
	| { itemId: string }
	| { voteId: string }
	| { commentId: string }
	| { inviteId: string }
	| { escalationId: string }
	| { communityId: string }
	| { opinionId: string }
	| { projectId: string }
	| { streetId: string }
	| { householdId: string };

/** The scope of the object a request names; null when there is no such object. */
export async function find(db: Db, target: ScopeTarget): Promise<ObjectScope | null> {
	if ('sessionId' in target) return ofSession(db, target.sessionId);
	if ('communityId' in target) return ofCommunity(db, target.communityId);
	if ('itemId' in target) return viaSession(db, await sessionIdOf(db, items, target.itemId));
	if ('voteId' in target) return viaSession(db, await sessionIdOf(db, votes, target.voteId));
	if ('commentId' in target)
		return viaSession(db, await sessionIdOf(db, comments, target.commentId));
	if ('householdId' in target) {
		const [row] = await db
			.select({ communityId: households.communityId })
			.from(households)
			.where(eq(households.id, target.householdId))
			.limit(1);
		return row ? ofCommunity(db, row.communityId) : null;
	}
	if ('inviteId' in target) {
		const [row] = await db
			.select({ sessionId: invites.sessionId, communityId: invites.communityId })
			.from(invites)
			.where(eq(invites.id, target.inviteId))
			.limit(1);
		if (!row) return null;
		return row.sessionId ? ofSession(db, row.sessionId) : ofCommunity(db, row.communityId!);
	}
	if ('escalationId' in target) {
		const [row] = await db
			.select({ communityId: escalations.communityId, streetId: escalations.streetId })
			.from(escalations)
			.where(eq(escalations.id, target.escalationId))
			.limit(1);
		return row ?? null;
	}
	if ('opinionId' in target) {
		const [row] = await db
			.select({ communityId: opinions.communityId })
			.from(opinions)
			.where(eq(opinions.id, target.opinionId))
			.limit(1);
		return row ? ofCommunity(db, row.communityId) : null;
	}
	if ('projectId' in target) {
		const [row] = await db
			.select({ communityId: projects.communityId })
			.from(projects)
			.where(eq(projects.id, target.projectId))
			.limit(1);
		return row ? ofCommunity(db, row.communityId) : null;
	}
	const [row] = await db
		.select({ id: streets.id })
		.from(streets)
		.where(eq(streets.id, target.streetId))
		.limit(1);
	return row ? { communityId: '', streetId: row.id } : null;
}

const viaSession = (db: Db, sessionId: string | null) =>
	sessionId ? ofSession(db, sessionId) : Promise.resolve(null);
