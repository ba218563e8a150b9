/**
 * Votes: created on an item, opened (eligibility frozen), ballots cast — each committed before
 * it is acknowledged — and closed, when the decision rule is evaluated and stored with its
 * inputs. Weights come from the register frozen at opening, never from a payload.
 */
import { notice as sentence } from '$lib/notice-text';
import * as clock from '../clock';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { createVoteSchema, paperBallotSchema, type TallyView, type VoteView } from '$lib/protocol';
import type { Db } from '../db/client';
import * as householdsDb from '../db/households';
import * as participants from '../db/participants';
import * as sessions from '../db/sessions';
import * as votes from '../db/votes';
import { RatioError } from '../domain/ratio';
import { noticeProblem } from '../domain/notice-period';
import { validateRule, type Rule } from '../domain/decision-rules';
import * as tally from '../domain/tally';
import * as openVotes from './open-votes';
import * as voteOutcomes from './vote-outcomes';
import { newId, newToken } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError } from './errors';
import * as communityDb from '../db/community';
import { can, requireCan } from '../access/check';
import { actorOfUser, record, systemActor } from './transcript';
import * as costTables from './cost-tables';
import type { Actor, Json } from '../domain/transcript';
import { checkVoteDeadline, formatShanghai } from '$lib/deadlines';
import { notify } from './notifications';
import { requireStarted } from './session-access';
import { windowError } from './session-window';
import { voteKind, type Choice } from '../../votes/kinds';
import { castTargets, participantVoters, type HeldSeat } from '../domain/seat-holders';
import { heldSeats } from './holdings';
import * as noticesDb from '../db/notices';
import * as orgs from '../db/orgs';
import { openVoteSchema } from '$lib/protocol/owners';
import { recordAnnouncement } from './announcements';
import * as ballotBoard from './ballot-board';
import { pseudonymFor } from './pseudonyms';
import type { Participant } from '../db/participants';

const invalid = (message: string) => new ServiceError(400, 'invalid_payload', message);
const conflict = (code: string, message: string) => new ServiceError(409, code, message);

/**
 * Secret ballots are stored under a keyed hash of the seat, never the seat itself. The key (the
 * vote's `salt`) is destroyed at close (`ballotBoard.forgetSecret`): from then on keys are
 * already in ballot form and nothing links a ballot to a seat.
 */
export const seatKey = (vote: Pick<votes.VoteHead, 'secret' | 'salt'>, key: string) =>
	vote.secret && vote.salt
		? encodeHexLowerCase(sha256(new TextEncoder().encode(`${vote.salt}:${key}`)))
		: key;

function spec(vote: votes.VoteRow): tally.VoteSpec {
	return {
		id: vote.id,
		kind: vote.kind,
		options: vote.options,
		minChoices: vote.minChoices,
		maxChoices: vote.maxChoices,
		status: vote.status,
		tallyMode: vote.tallyMode,
		rule: vote.rule as Rule,
		eligible: (vote.eligible ?? []).map((w) => ({ ...w, key: seatKey(vote, w.key) }))
	};
}

export function tallyOf(vote: votes.VoteRow, ballots: votes.BallotRow[]): TallyView {
	return tally.view(spec(vote), ballots, (vote.result as TallyView['result']) ?? undefined);
}

export function toView(vote: votes.VoteRow, ballots: votes.BallotRow[]): VoteView {
	return viewWith(vote, tallyOf(vote, ballots));
}

function viewWith(vote: votes.VoteHead, current: TallyView): VoteView {
	return {
		id: vote.id,
		itemId: vote.itemId,
		question: vote.question,
		kind: vote.kind,
		options: vote.options,
		min: vote.minChoices,
		max: vote.maxChoices,
		secret: vote.secret,
		tally: vote.tallyMode,
		eligibility: vote.eligibility,
		changeable: vote.changeable,
		rule: vote.rule as Rule,
		status: vote.status,
		closesAt: vote.closesAt?.toISOString() ?? null,
		earlyReason: vote.earlyReason,
		current
	};
}

export async function create(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const user = await requireCan(ctx, viewer, 'session.console', { itemId });
	const body = parse(createVoteSchema, input);
	const item = await sessions.findItem(ctx.db, itemId);
	if (!item) throw notFound('item_not_found', 'item');
	const session = await sessions.find(ctx.db, item.sessionId);
	if (session?.status !== 'open') throw conflict('session_closed', 'this session is closed');
	const closesAt = body.closesAt ? new Date(body.closesAt) : null;
	if (closesAt) {
		const error = checkVoteDeadline(closesAt, session.closesAt, clock.now());
		if (error) throw windowError(error);
	}
	const kind = voteKind(body.kind);
	if (!body.rule && !kind.ruleOptional) throw invalid('rule: required for this kind of vote');
	const rule: Rule = body.rule ?? { kind: 'none' };
	try {
		validateRule(rule);
	} catch (error) {
		if (error instanceof RatioError) throw invalid(`rule: ${error.message}`);
		throw error;
	}
	if (rule.kind === 'civil_code_278' && body.eligibility !== 'households') {
		throw invalid(
			'rule: civil_code_278 counts owners and floor area, so eligibility must be "households"'
		);
	}
	const shape = kind.shape(body);
	if (typeof shape === 'string') throw invalid(shape);
	const { options, minChoices: min, maxChoices: max } = shape;
	const vote = await ctx.db.transaction(async (tx) => {
		const row = await votes.insert(tx, {
			id: newId(),
			sessionId: item.sessionId,
			itemId,
			question: body.question,
			kind: body.kind,
			options,
			minChoices: min,
			maxChoices: max,
			secret: body.secret,
			tallyMode: body.tally,
			eligibility: body.eligibility,
			changeable: body.changeable,
			rule,
			salt: newToken(),
			closesAt,
			createdBy: user.id
		});
		await voteOutcomes.voteCreated(tx, row, input);
		await record(tx, row.sessionId, 'vote_created', actorOfUser(user), {
			voteId: row.id,
			itemId,
			question: row.question,
			kind: row.kind,
			options: row.options,
			min: row.minChoices,
			max: row.maxChoices,
			secret: row.secret,
			tally: row.tallyMode,
			eligibility: row.eligibility,
			changeable: row.changeable,
			rule,
			closesAt: closesAt?.toISOString() ?? null
		});
		return row;
	});
	ctx.realtime.voteChanged(vote.sessionId, vote.id);
	return { id: vote.id, status: vote.status, options: vote.options, closesAt: vote.closesAt };
}

async function freezeEligibility(db: Db, vote: votes.VoteRow): Promise<tally.VoterWeight[]> {
	if (vote.eligibility === 'participants') {
		return participantVoters(await participants.listForSession(db, vote.sessionId));
	}
	const session = await sessions.find(db, vote.sessionId);
	return tally.householdVoters(await householdsDb.listForCommunity(db, session!.communityId));
}

export async function open(
	ctx: Ctx,
	viewer: Viewer,
	voteId: string,
	input: unknown = {},
	now = clock.now()
): Promise<TallyView> {
	const user = await requireCan(ctx, viewer, 'session.run', { voteId });
	const reason = parse(openVoteSchema, input ?? {}).reason || null;
	const vote = await ctx.db.transaction(async (tx) => {
		const row = await votes.lock(tx, voteId, 'update');
		if (!row) throw notFound('vote_not_found', 'vote');
		if (row.status !== 'draft')
			throw conflict('invalid_transition', `the vote is ${row.status}, not draft`);
		const session = (await sessions.find(tx, row.sessionId))!;
		requireStarted(session, now);
		const community = await orgs.findCommunity(tx, session.communityId);
		const notice = await noticesDb.thatApplies(tx, row);
		const problem = noticeProblem({
			ruleKind: (row.rule as Rule).kind,
			noticeDays: community?.noticeDays ?? 0,
			notice,
			now
		});
		if (problem && !reason) {
			throw conflict(
				'notice_period',
				problem.kind === 'no_notice'
					? `publish a notice first: owners must be told ${community?.noticeDays} days ahead (or give a reason to open now)`
					: `the notice period ends at ${problem.openFrom.toISOString()} (or give a reason to open now)`
			);
		}
		const earlyReason = problem ? reason : null;
		if (row.closesAt && row.closesAt.getTime() <= now.getTime())
			throw conflict('closes_at_in_past', 'the deadline of this vote has already passed');
		const eligible = await freezeEligibility(tx, row);
		if (eligible.length === 0) {
			throw conflict(
				'no_eligible_voters',
				row.eligibility === 'households'
					? 'the household register is empty'
					: 'no resident or owner has joined'
			);
		}
		const opened = await votes.update(tx, voteId, {
			status: 'open',
			eligible,
			openedAt: now,
			earlyReason
		});
		const total = tally.view(spec(opened), []).participation;
		await record(
			tx,
			row.sessionId,
			'vote_opened',
			actorOfUser(user),
			{
				voteId,
				question: row.question,
				eligibleHeadcount: total.eligibleHeadcount,
				eligibleArea: total.eligibleArea,
				noticeId: notice?.id ?? null,
				...(earlyReason ? { earlyReason } : {})
			},
			now
		);
		await notify(
			tx,
			{ audience: 'session', sessionId: row.sessionId },
			{
				...sentence('vote_opened', {
					question: row.question,
					...(row.closesAt ? { at: formatShanghai(row.closesAt) } : {})
				}),
				itemId: row.itemId,
				url: `/s/${row.sessionId}`,
				at: now
			}
		);
		return opened;
	});
	ctx.log.info({ voteId, eligible: vote.eligible?.length }, 'vote opened');
	ctx.realtime.voteChanged(vote.sessionId, vote.id);
	if (vote.closesAt) ctx.timers.poke();
	return tallyOf(vote, []);
}

/** Closes a vote and stores the rule's result with every check (also used by deadlines). */
export async function closeVote(
	ctx: Ctx,
	voteId: string,
	actor: Actor = systemActor,
	now = clock.now()
): Promise<TallyView> {
	const { vote, ballots } = await ctx.db.transaction(async (tx) => {
		const row = await votes.lock(tx, voteId, 'update');
		if (!row) throw notFound('vote_not_found', 'vote');
		if (row.status !== 'open')
			throw conflict('invalid_transition', `the vote is ${row.status}, not open`);
		const ballots = await votes.ballotsOf(tx, voteId);
		const decided = tally.decide(spec(row), ballots);
		const result = { ...decided, rule: row.rule as Rule };
		const ballotsHash = await ballotBoard.seal(tx, row, ballots, spec(row).eligible);
		const closed = await votes.update(tx, voteId, {
			status: 'closed',
			closedAt: now,
			result,
			...ballotBoard.forgetSecret(row, (key) => seatKey(row, key))
		});
		await record(
			tx,
			row.sessionId,
			'vote_closed',
			actor,
			{
				voteId,
				question: row.question,
				secret: row.secret,
				tally: tallyOf(closed, ballots) as unknown as Json,
				// Named votes list who chose what; secret ones never link a ballot to a person.
				ballots: row.secret ? null : await namedBallots(tx, row.sessionId, ballots),
				// SHA-256 of the RFC 8785 JSON of GET /api/v1/votes/:id/ballots's answer.
				ballotsHash
			},
			now
		);
		await recordAnnouncement(tx, closed, tallyOf(closed, ballots), actor, now);

		// A vote between cost schemes records the chosen one with its table's hash.
		await costTables.onVoteClosed(tx, closed, actor, now);
		await notify(
			tx,
			{ audience: 'session', sessionId: row.sessionId },
			{
				...sentence('vote_closed', {
					question: row.question,
					passed: decided.passed ? 'yes' : 'no'
				}),
				itemId: row.itemId,
				url: `/s/${row.sessionId}`,
				at: now
			}
		);
		return { vote: closed, ballots };
	});
	ctx.log.info({ voteId, passed: (vote.result as { passed: boolean }).passed }, 'vote closed');
	ctx.realtime.voteChanged(vote.sessionId, vote.id);
	await voteOutcomes.voteClosed(ctx, vote, actor, now);
	return tallyOf(vote, ballots);
}

export async function close(ctx: Ctx, viewer: Viewer, voteId: string): Promise<TallyView> {
	const user = await requireCan(ctx, viewer, 'session.run', { voteId });
	return closeVote(ctx, voteId, actorOfUser(user));
}

export async function get(ctx: Ctx, viewer: Viewer, voteId: string): Promise<TallyView> {
	const vote = await votes.findHead(ctx.db, voteId);
	if (!vote) throw notFound('vote_not_found', 'vote');
	const session = await sessions.find(ctx.db, vote.sessionId);
	const member =
		session?.status === 'closed' ||
		(await can(ctx, viewer, 'session.enter', { sessionId: vote.sessionId })) ||
		(viewer.authSessionId &&
			(await participants.findByDevice(ctx.db, vote.sessionId, viewer.authSessionId)));
	if (!member) throw forbidden('not a member of this session');
	return (await currentTally(ctx, voteId, vote))!;
}

async function namedBallots(db: Db, sessionId: string, ballots: votes.BallotRow[]): Promise<Json> {
	const communityId = (await sessions.find(db, sessionId))?.communityId ?? null;
	const people = new Map(
		(
			await Promise.all(
				[...new Set(ballots.map((b) => b.participantId).filter((id): id is string => !!id))].map(
					(id) => participants.findById(db, id)
				)
			)
		)
			.filter((p) => p !== null)
			.map((p) => [p.id, p])
	);
	const pseudonyms = new Map<string, string>();
	for (const b of ballots)
		pseudonyms.set(b.voterKey, await pseudonymFor(db, communityId, b.voterKey));
	return ballots.map((b) => {
		const p = b.participantId ? people.get(b.participantId) : undefined;
		return {
			// A pseudonym: the register's owner value never enters the chain.
			voter: pseudonyms.get(b.voterKey)!,
			name: p?.name ?? null,
			role: p?.role ?? null,
			choice: b.choice,
			paper: b.paper
		};
	});
}

/** The seats a participant votes for: themself, or the owners' seats they hold (own or by proxy). */
async function seatsFor(
	db: Db,
	vote: votes.VoteHead,
	participant: Pick<Participant, 'id' | 'role'>,
	eligible: ReadonlySet<string>
): Promise<HeldSeat[]> {
	if (vote.eligibility === 'participants')
		return eligible.has(participant.id) ? [{ ownerKey: participant.id, proxyId: null }] : [];
	return heldSeats(db, vote, participant, eligible);
}

function checkOpen<V extends votes.VoteHead>(vote: V | null, sessionId?: string): V {
	if (!vote || (sessionId && vote.sessionId !== sessionId))
		throw notFound('vote_not_found', 'vote');
	if (vote.status === 'draft') throw conflict('vote_not_open', 'this vote has not opened yet');
	if (vote.status === 'closed') throw conflict('vote_closed', 'this vote is closed');
	return vote;
}

function choiceOf(vote: votes.VoteHead, choice: unknown): Choice {
	const valid = tally.validateChoice(vote, choice);
	if (valid === 'invalid_choice') {
		throw invalid(
			vote.kind === 'multiple'
				? `choice: pick ${vote.minChoices}–${vote.maxChoices} of the options`
				: `choice: not a valid choice for a ${vote.kind} vote`
		);
	}
	return valid;
}

/**
 * Who puts a ballot in a seat: a seat holder from their phone (the owner, a resident in a
 * per-person vote, or a proxy — `domain/seat-holders.ts` says which seats), or staff entering
 * a paper ballot. Every ballot goes through `castBallot`, the one cast path.
 */
export type Caster =
	| { kind: 'holder'; participant: Pick<Participant, 'id' | 'role'>; householdId?: string }
	| {
			kind: 'paper';
			user: { id: string };
			householdId?: string;
			participantId?: string;
			photoId?: string | null;
	  };

/** What a cast placed: how many seats, and the receipt the voter keeps (the ack says both). */
export interface CastResult {
	seats: number;
	receipt: string;
}

/** Casts (or, where allowed, changes) a participant's ballot; committed before it returns. */
export async function cast(
	ctx: Ctx,
	sessionId: string,
	participant: Pick<Participant, 'id' | 'role'>,
	voteId: string,
	choice: unknown,
	now = clock.now(),
	householdId?: string
): Promise<CastResult> {
	const entry = await openEntry(ctx, voteId);
	const fast = householdId
		? null
		: await castFast(ctx, sessionId, participant.id, voteId, choice, entry, now);
	if (fast) return { seats: 1, receipt: fast };
	const caster: Caster = { kind: 'holder', participant, householdId };
	return castBallot(ctx, { sessionId, voteId, choice, caster }, entry, now);
}

/**
 * `cast` for a socket that joined `sessionId` as `participantId`, reading the participant's
 * row (`member`, which refuses one who is no longer a member) only when the common case does
 * not apply. That case (`castFast`) takes only a voter of the vote's frozen list, which holds
 * participants of this very session; a participant row is never deleted and never changes
 * session, so reading it first would refuse nobody — it would only add a query to every ack.
 */
export async function castAs(
	ctx: Ctx,
	joined: { sessionId: string; participantId: string },
	member: () => Promise<{ sessionId: string; participant: participants.Participant }>,
	voteId: string,
	choice: unknown,
	householdId?: string,
	now = clock.now()
): Promise<CastResult> {
	const entry = await openEntry(ctx, voteId);
	const fast = householdId
		? null
		: await castFast(ctx, joined.sessionId, joined.participantId, voteId, choice, entry, now);
	if (fast) return { seats: 1, receipt: fast };
	const { sessionId, participant } = await member();
	const caster: Caster = { kind: 'holder', participant, householdId };
	return castBallot(ctx, { sessionId, voteId, choice, caster }, entry, now);
}

const refusals = {
	no_seat: (vote: votes.VoteHead) =>
		forbidden(
			vote.eligibility === 'households'
				? 'scan your household slip to take your seat first'
				: 'you are not eligible in this vote'
		),
	not_your_seat: () => new ServiceError(403, 'not_your_seat', 'you do not hold that seat'),
	already_voted: () => conflict('already_voted', 'this seat has already voted')
};

/** The seats this cast goes to, under the seat-holder rules; throws the refusal. */
async function targetsOf(
	tx: Db,
	vote: votes.VoteHead,
	caster: Caster,
	eligible: ReadonlySet<string>
): Promise<HeldSeat[]> {
	if (caster.kind === 'paper') {
		let key: string | undefined;
		if (vote.eligibility === 'households') {
			const household = caster.householdId
				? await householdsDb.findById(tx, caster.householdId)
				: null;
			key = household?.ownerKey;
		} else key = caster.participantId;
		if (!key || !eligible.has(key))
			throw notFound(
				vote.eligibility === 'households' ? 'household_not_found' : 'participant_not_found',
				vote.eligibility === 'households' ? 'household of this vote' : 'voter of this vote'
			);
		return [{ ownerKey: key, proxyId: null }];
	}
	const held = await seatsFor(tx, vote, caster.participant, eligible);
	let wanted: string | undefined;
	if (caster.householdId !== undefined) {
		wanted = (await householdsDb.findById(tx, caster.householdId))?.ownerKey;
		if (!wanted) throw refusals.not_your_seat();
	}
	const voted = new Map<string, string | null>();
	for (const seat of held) {
		const ballot = await votes.findBallot(tx, vote.id, seatKey(vote, seat.ownerKey));
		if (ballot) voted.set(seat.ownerKey, ballot.paper ? '' : ballot.proxyId);
	}
	const targets = castTargets(held, voted, vote.changeable, wanted);
	if (typeof targets === 'string') throw refusals[targets](vote);
	return targets;
}

/** The one cast path: checks, places every target seat's ballot and records it, then tells the room. */
async function castBallot(
	ctx: Ctx,
	req: { sessionId?: string; voteId: string; choice: unknown; caster: Caster },
	entry: openVotes.OpenVote | null,
	now: Date
): Promise<CastResult> {
	const { voteId, caster } = req;
	const { vote, placed, receipt } = await ctx.db.transaction(async (tx) => {
		// FOR SHARE: ballots go in side by side; opening and closing (FOR UPDATE) wait for them,
		// so no ballot lands after a close.
		const row = checkOpen(await votes.lockHead(tx, voteId, 'share'), req.sessionId);
		const picked = choiceOf(row, req.choice);
		const eligible =
			entry?.eligibleKeys ?? // the vote opened after the read above: read the list once
			new Set(((await votes.find(tx, voteId))?.eligible ?? []).map((w) => w.key));
		const targets = await targetsOf(tx, row, caster, eligible);
		const paper = caster.kind === 'paper';
		const keys: string[] = [];
		for (const seat of targets) {
			const voterKey = seatKey(row, seat.ownerKey);
			const ok = await votes.putBallot(
				tx,
				{
					id: newId(),
					voteId,
					voterKey,
					participantId: row.secret || paper ? null : caster.participant.id,
					choice: picked,
					paper,
					enteredBy: paper ? caster.user.id : null,
					proxyId: seat.proxyId,
					photoId: paper ? (caster.photoId ?? null) : null,
					castAt: now,
					updatedAt: now
				},
				row.changeable
			);
			if (!ok) throw refusals.already_voted();
			keys.push(voterKey);
		}
		await recordCast(tx, row, caster, targets, picked, now);
		const receipt = await ballotBoard.issueReceipt(tx, voteId, keys);
		return { vote: row, placed: { keys, choice: picked }, receipt };
	});
	// Committed: the in-memory count follows (a load in flight is awaited, then overwritten).
	const open = await openVotes.loadedOpenVote(ctx.db, voteId);
	for (const key of placed.keys) open?.put(key, placed.choice);
	ctx.realtime.tallyChanged(vote.sessionId, vote.id);
	return { seats: placed.keys.length, receipt };
}

/**
 * Transcript entries of a cast: a paper ballot with who entered it, and a ballot by proxy
 * with its appointment (never the choice of a secret vote). Phone ballots by owners are in
 * the closing entry.
 */
async function recordCast(
	tx: Db,
	vote: votes.VoteHead,
	caster: Caster,
	targets: HeldSeat[],
	choice: Choice,
	now: Date
) {
	if (caster.kind === 'paper') {
		await record(
			tx,
			vote.sessionId,
			'paper_ballot',
			{ id: caster.user.id, name: 'staff', role: 'staff' },
			{
				voteId: vote.id,
				householdId: vote.secret ? null : (caster.householdId ?? null),
				participantId: vote.secret ? null : (caster.participantId ?? null),
				choice: vote.secret ? null : (choice as Json),
				photoId: caster.photoId ?? null,
				enteredBy: caster.user.id
			},
			now
		);
		return;
	}
	const byProxy = new Map<string, number>();
	for (const t of targets) if (t.proxyId) byProxy.set(t.proxyId, (byProxy.get(t.proxyId) ?? 0) + 1);
	for (const [proxyId, seats] of byProxy) {
		await record(
			tx,
			vote.sessionId,
			'ballot_by_proxy',
			{ id: caster.participant.id, name: 'proxy', role: caster.participant.role },
			{ voteId: vote.id, proxyId, seats },
			now
		);
	}
}

/**
 * The common case in one statement (`votes.castBallot`): a participants vote known open in
 * memory, a valid choice and an eligible voter — one seat. Answers false, having changed
 * nothing, when the case is another (households, a vote not loaded, a refused choice or
 * voter); `cast` then takes the transaction path, which gives the same errors as always.
 */
async function castFast(
	ctx: Ctx,
	sessionId: string,
	participantId: string,
	voteId: string,
	choice: unknown,
	entry: openVotes.OpenVote | null,
	now: Date
): Promise<string | null> {
	const head = entry?.head;
	if (!entry || !head || head.eligibility !== 'participants') return null;
	if (head.sessionId !== sessionId || !entry.eligibleKeys.has(participantId)) return null;
	const picked = tally.validateChoice(head, choice);
	if (picked === 'invalid_choice') return null;
	const voterKey = seatKey(head, participantId);
	const outcome = await votes.castBallot(
		ctx.db,
		sessionId,
		{
			id: newId(),
			voteId,
			voterKey,
			participantId: head.secret ? null : participantId,
			choice: picked,
			at: now,
			receipt: ballotBoard.newReceipt()
		},
		head.changeable
	);
	checkOpen(outcome && { ...head, status: outcome.status }, sessionId);
	if (!outcome!.placed) throw conflict('already_voted', 'this seat has already voted');
	const receipt = outcome!.receipt!;
	// Committed: the in-memory count follows (as in `cast`).
	(await openVotes.loadedOpenVote(ctx.db, voteId))?.put(voterKey, picked);
	ctx.realtime.tallyChanged(sessionId, voteId);
	return receipt;
}

/**
 * A paper ballot entered by staff — for a household seat, or a person in a per-person vote —
 * marked as paper, with who entered it and an optional scan of the paper.
 */
export async function paper(
	ctx: Ctx,
	viewer: Viewer,
	voteId: string,
	input: unknown,
	now = clock.now()
) {
	const user = await requireCan(ctx, viewer, 'session.console', { voteId });
	const body = parse(paperBallotSchema, input);
	const head = await votes.findHead(ctx.db, voteId);
	if (!head) throw notFound('vote_not_found', 'vote');
	if (body.photoId) {
		const session = (await sessions.find(ctx.db, head.sessionId))!;
		// A scan must be a photo of the same community (as opinions' photos).
		if ((await communityDb.photoCommunity(ctx.db, body.photoId)) !== session.communityId)
			throw notFound('photo_not_found', 'photo');
	}
	const entry = head.status === 'open' ? await openEntry(ctx, voteId) : null;
	const caster: Caster = {
		kind: 'paper',
		user,
		householdId: body.householdId,
		participantId: body.participantId,
		photoId: body.photoId ?? null
	};
	await castBallot(ctx, { voteId, choice: body.choice, caster }, entry, now);
	return (await currentTally(ctx, voteId))!;
}

/** Every vote of a session with its current tally (the same for everyone). */
export async function listViews(ctx: Ctx, sessionId: string): Promise<VoteView[]> {
	const rows = await votes.listForSession(ctx.db, sessionId);
	return Promise.all(rows.map(async (v) => toView(v, await votes.ballotsOf(ctx.db, v.id))));
}

/**
 * Every vote of a session with its current tally, and what this participant chose: a vote is
 * in `myBallots` once every seat they hold in it (own or by proxy) has a ballot.
 */
export async function forRoom(
	ctx: Ctx,
	sessionId: string,
	participant: Pick<Participant, 'id' | 'role'>
) {
	const rows = await votes.listHeadsForSession(ctx.db, sessionId);
	const views: VoteView[] = [];
	const mine: Record<string, Choice> = {};
	for (const vote of rows) {
		const entry = vote.status === 'open' ? await openEntry(ctx, vote.id) : null;
		views.push(viewWith(vote, entry ? entry.tally() : (await currentTally(ctx, vote.id, vote))!));
		if (vote.status === 'draft') continue;
		const eligible =
			entry?.eligibleKeys ??
			new Set(((await votes.find(ctx.db, vote.id))?.eligible ?? []).map((w) => w.key));
		const seats = await seatsFor(ctx.db, vote, participant, eligible);
		let choice: Choice | undefined;
		for (const seat of seats) {
			const key = seatKey(vote, seat.ownerKey);
			const found = entry
				? entry.choiceOf(key)
				: (await votes.findBallot(ctx.db, vote.id, key))?.choice;
			if (!found) {
				choice = undefined;
				break;
			}
			choice ??= found;
		}
		if (choice) mine[vote.id] = choice;
	}
	return { votes: views, myBallots: mine };
}

/** The in-memory entry of an open vote, built from the database on first use. */
function openEntry(ctx: Ctx, voteId: string): Promise<openVotes.OpenVote | null> {
	return openVotes.openVote(ctx.db, voteId, async () => {
		const row = await votes.find(ctx.db, voteId);
		if (!row || row.status !== 'open') return null;
		const { eligible, ...head } = row;
		return new openVotes.OpenVote(
			spec(row),
			(eligible ?? []).map((w) => w.key),
			await votes.ballotsOf(ctx.db, voteId),
			head
		);
	});
}

/**
 * An open vote's current tally straight from memory, or null when it is not there (then
 * `currentTally`). Answers at once — no read, no turn of the event loop — so a ballot's tally
 * can go out right after its ack. An entry lives only while its vote is open: closing drops it
 * (`viewOf`) before the closed tally is sent.
 */
export function openTallyNow(ctx: Ctx, voteId: string): TallyView | null {
	return openVotes.readyOpenVote(ctx.db, voteId)?.tally() ?? null;
}

/**
 * A vote's current tally: from memory while it is open (no ballot is re-read), computed once
 * when closed (it never changes again). `head` saves a read when the caller has the row.
 */
export async function currentTally(
	ctx: Ctx,
	voteId: string,
	head?: votes.VoteHead
): Promise<TallyView | null> {
	const vote = head ?? (await votes.findHead(ctx.db, voteId));
	if (!vote) return null;
	if (vote.status === 'open') {
		const entry = await openEntry(ctx, voteId);
		if (entry) return entry.tally();
	} else {
		openVotes.forgetOpenVote(ctx.db, voteId);
	}
	const full = async () => {
		const row = await votes.find(ctx.db, voteId);
		return row ? tallyOf(row, await votes.ballotsOf(ctx.db, voteId)) : null;
	};
	if (vote.status !== 'closed') return full();
	return openVotes.closedTally(ctx.db, voteId, async () => (await full())!);
}

export async function viewOf(ctx: Ctx, voteId: string): Promise<VoteView | null> {
	const vote = await votes.find(ctx.db, voteId);
	// Sent after opening and closing: a closed vote's in-memory ballots are no longer needed.
	if (vote && vote.status !== 'open') openVotes.forgetOpenVote(ctx.db, voteId);
	return vote ? toView(vote, await votes.ballotsOf(ctx.db, voteId)) : null;
}
