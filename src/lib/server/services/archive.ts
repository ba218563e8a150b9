/** The public archive of a community: closed sessions and answered cases. */
import { and, desc, eq } from 'drizzle-orm';
import * as orgs from '../db/orgs';
import { sessions, transcriptEntries } from '../db/schema';
import type { Ctx } from './context';
import { notFound } from './errors';
import { listPublic } from './escalations';

export async function community(ctx: Ctx, communityId: string) {
	const found = await orgs.findCommunity(ctx.db, communityId);
	if (!found) throw notFound('community_not_found', 'community');
	const closed = await ctx.db
		.select()
		.from(sessions)
		.where(and(eq(sessions.communityId, communityId), eq(sessions.status, 'closed')))
		.orderBy(desc(sessions.createdAt));
	const closedAt = new Map<string, string>();
	for (const s of closed) {
		const [entry] = await ctx.db
			.select({ at: transcriptEntries.at })
			.from(transcriptEntries)
			.where(
				and(eq(transcriptEntries.sessionId, s.id), eq(transcriptEntries.type, 'session_closed'))
			);
		if (entry) closedAt.set(s.id, entry.at);
	}
	return {
		community: { id: found.id, name: found.name },
		sessions: closed.map((s) => ({
			id: s.id,
			title: s.title,
			kind: s.kind,
			createdAt: s.createdAt.toISOString(),
			closedAt: closedAt.get(s.id) ?? null
		})),
		escalations: await listPublic(ctx, communityId)
	};
}

/** Masks a personal key for public pages: `owner-017` → `owner-0**`. */
export function mask(key: string): string {
	const chars = [...key];
	const keep = Math.max(1, Math.ceil(chars.length * 0.6));
	return chars.slice(0, keep).join('') + '*'.repeat(chars.length - keep);
}
