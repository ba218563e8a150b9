/** The public archive of a community: closed sessions and answered cases. */
import * as orgs from '../db/orgs';
import * as sessionState from '../db/session-state';
import * as transcript from '../db/transcript';
import type { Ctx } from './context';
import { notFound } from './errors';
import { listPublic } from './escalations';

export async function community(ctx: Ctx, communityId: string) {
	const found = await orgs.findCommunity(ctx.db, communityId);
	if (!found) throw notFound('community_not_found', 'community');
	const closed = await sessionState.closedOf(ctx.db, communityId);
	const closedAt = new Map<string, string>();
	for (const s of closed) {
		const at = await transcript.atOf(ctx.db, s.id, 'session_closed');
		if (at !== null) closedAt.set(s.id, at);
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
