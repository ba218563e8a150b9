/**
 * The result announcement (结果公告) of a closed vote: the result, each check of the rule with
 * its numbers, turnout, how many seats voted by proxy and on paper (never who appointed whom),
 * the notice it followed and, if it opened early, why. Recorded in the transcript on close
 * (with its hash) and public from then on.
 */
import type { AnnouncementView } from '$lib/protocol/owners';
import type { TallyView } from '$lib/protocol';
import type { Db } from '../db/client';
import * as noticesDb from '../db/notices';
import * as proxiesDb from '../db/proxies';
import * as votes from '../db/votes';
import { contentHash, type Actor, type Json } from '../domain/transcript';
import type { Rule } from '../domain/decision-rules';
import type { Ctx } from './context';
import { notFound, ServiceError } from './errors';
import { record } from './transcript';

export async function announcementOf(
	db: Db,
	vote: votes.VoteHead,
	tally: TallyView
): Promise<AnnouncementView> {
	const notice = await noticesDb.thatApplies(db, vote);
	const origins = await proxiesDb.ballotOrigins(db, vote.id);
	const result = tally.result!;
	return {
		voteId: vote.id,
		sessionId: vote.sessionId,
		question: vote.question,
		result,
		checks: result.checks,
		...(tally.counts ? { counts: tally.counts } : {}),
		participation: tally.participation,
		proxySeats: origins.proxy,
		paperSeats: origins.paper,
		...(notice
			? {
					notice: {
						id: notice.id,
						publishedAt: notice.publishedAt.toISOString(),
						openFrom: notice.openFrom.toISOString(),
						contentHash: notice.contentHash
					}
				}
			: {}),
		...(vote.earlyReason ? { earlyReason: vote.earlyReason } : {}),
		closedAt: vote.closedAt?.toISOString() ?? null
	};
}

/** Appends `vote_announced` in the closing transaction. */
export async function recordAnnouncement(
	tx: Db,
	vote: votes.VoteHead,
	tally: TallyView,
	actor: Actor,
	now: Date
) {
	const announcement = (await announcementOf(tx, vote, tally)) as unknown as Json;
	await record(
		tx,
		vote.sessionId,
		'vote_announced',
		actor,
		{ voteId: vote.id, announcement, hash: contentHash(announcement) },
		now
	);
}

/** Anyone may read a closed vote's announcement. */
export async function get(
	ctx: Ctx,
	voteId: string,
	closedTally: (head: votes.VoteHead) => Promise<TallyView | null>
): Promise<AnnouncementView> {
	const vote = await votes.findHead(ctx.db, voteId);
	if (!vote) throw notFound('vote_not_found', 'vote');
	if (vote.status !== 'closed')
		throw new ServiceError(409, 'vote_not_closed', 'the result is announced once the vote closes');
	const tally = await closedTally(vote);
	return announcementOf(ctx.db, vote, tally!);
}

/** The announcement with what a page needs to label it (the vote's kind, options and rule). */
export async function forPage(
	ctx: Ctx,
	voteId: string,
	closedTally: (head: votes.VoteHead) => Promise<TallyView | null>
) {
	const announcement = await get(ctx, voteId, closedTally);
	const head = (await votes.findHead(ctx.db, voteId))!;
	return {
		announcement,
		vote: { kind: head.kind, options: head.options, rule: head.rule as Rule }
	};
}
