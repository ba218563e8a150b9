/**
 * The turnout tracker for staff (扫楼): what is missing to reach the rule's participation
 * bounds, the seats that have not voted by building and unit, and a reminder to those of them
 * who joined Yishi. Residents see participation in the tally, never who has not voted.
 */
import { notice } from '$lib/notice-text';
import type { TurnoutView } from '$lib/protocol/owners';
import type { TallyView } from '$lib/protocol';
import * as clock from '../clock';
import * as householdsDb from '../db/households';
import * as participants from '../db/participants';
import * as proxiesDb from '../db/proxies';
import * as sessions from '../db/sessions';
import * as votes from '../db/votes';
import type { Rule } from '../domain/decision-rules';
import { areaToHundredths, hundredthsToArea } from '../domain/ratio';
import { holdersOf } from '../domain/seat-holders';
import { needed } from '../domain/turnout';
import type { Ctx, Viewer } from './context';
import { notFound, ServiceError } from './errors';
import { grantOf } from './holdings';
import { notify } from './notifications';
import { requireCan } from '../access/check';

const hundredths = (m2: number) => areaToHundredths(m2.toFixed(2)) ?? 0;

/** Seats (owner keys) of the vote without a ballot, with one unit each for the door list. */
async function missing(ctx: Ctx, vote: votes.VoteRow, seatKeyOf: (key: string) => string) {
	const session = (await sessions.find(ctx.db, vote.sessionId))!;
	const voted = new Set((await votes.ballotsOf(ctx.db, vote.id)).map((b) => b.voterKey));
	const eligible = new Set((vote.eligible ?? []).map((w) => w.key));
	const rows = await householdsDb.listForCommunity(ctx.db, session.communityId);
	const collator = new Intl.Collator('zh-CN', { numeric: true });
	return rows
		.filter((h) => eligible.has(h.ownerKey) && !voted.has(seatKeyOf(h.ownerKey)))
		.sort((a, b) => collator.compare(a.building, b.building) || collator.compare(a.unit, b.unit));
}

export async function turnout(
	ctx: Ctx,
	viewer: Viewer,
	voteId: string,
	tallyOf: (voteId: string) => Promise<TallyView | null>,
	seatKeyOf: (vote: votes.VoteRow, key: string) => string
): Promise<TurnoutView & { question: string }> {
	await requireCan(ctx, viewer, 'session.console', { voteId });
	const vote = await votes.find(ctx.db, voteId);
	if (!vote) throw notFound('vote_not_found', 'vote');
	const tally = (await tallyOf(voteId))!;
	const p = tally.participation;
	const gap = needed(
		vote.rule as Rule,
		{ headcount: p.headcount, area: hundredths(p.area) },
		{ headcount: p.eligibleHeadcount, area: hundredths(p.eligibleArea) }
	);
	const notVoted =
		vote.status === 'draft' || vote.eligibility !== 'households'
			? []
			: (await missing(ctx, vote, (k) => seatKeyOf(vote, k))).map((h) => ({
					householdId: h.id,
					building: h.building,
					unit: h.unit
				}));
	return {
		participation: p,
		needed: { headcount: gap.headcount, area: hundredthsToArea(gap.area) },
		notVoted,
		question: vote.question
	};
}

/**
 * Reminds whoever holds a seat that has not voted — the owner who claimed it and the proxy
 * appointed for it (those who joined); answers how many were reminded.
 */
export async function remind(
	ctx: Ctx,
	viewer: Viewer,
	voteId: string,
	seatKeyOf: (vote: votes.VoteRow, key: string) => string,
	now = clock.now()
): Promise<{ reminded: number }> {
	await requireCan(ctx, viewer, 'session.console', { voteId });
	const vote = await votes.find(ctx.db, voteId);
	if (!vote) throw notFound('vote_not_found', 'vote');
	if (vote.status !== 'open') throw new ServiceError(409, 'vote_not_open', 'the vote is not open');
	const lacking = new Set(
		vote.eligibility === 'households'
			? (await missing(ctx, vote, (k) => seatKeyOf(vote, k))).map((h) => h.ownerKey)
			: []
	);
	const roles = new Map(
		(await participants.listForSession(ctx.db, vote.sessionId)).map((p) => [p.id, p.role])
	);
	const holders = holdersOf(
		{
			voteId: vote.id,
			eligible: new Set((vote.eligible ?? []).map((w) => w.key)),
			claims: (await householdsDb.seatsInSession(ctx.db, vote.sessionId)).map((s) => ({
				ownerKey: s.ownerKey,
				participantId: s.participantId,
				role: roles.get(s.participantId) ?? ''
			})),
			proxies: (await proxiesDb.liveInSession(ctx.db, vote.sessionId)).map(grantOf)
		},
		lacking
	);
	await ctx.db.transaction(async (tx) => {
		for (const participantId of holders) {
			await notify(
				tx,
				{ audience: 'participant', participantId, sessionId: vote.sessionId },
				{
					...notice('vote_reminder', { question: vote.question }),
					itemId: vote.itemId,
					url: `/s/${vote.sessionId}`,
					at: now
				}
			);
		}
	});
	return { reminded: holders.size };
}
