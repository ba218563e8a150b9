/**
 * Votes: created on an item, opened (eligibility frozen), ballots cast — each committed before
 * it is acknowledged — and closed, when the decision rule is evaluated and stored with its
 * inputs. Weights come from the register frozen at opening, never from a payload.
 */
import * as clock from '../clock';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import { createVoteSchema, paperBallotSchema, type TallyView, type VoteView } from '$lib/protocol';
import type { Db } from '../db/client';
import * as householdsDb from '../db/households';
import * as participants from '../db/participants';
import { items } from '../db/schema';
import * as sessions from '../db/sessions';
import * as votes from '../db/votes';
import { RatioError } from '../domain/ratio';
import { validateRule, type Rule } from '../domain/decision-rules';
import * as tally from '../domain/tally';
import * as openVotes from './open-votes';
import { newId, newToken } from '../ids';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError } from './errors';
import { requireConsole, requireVoteControl } from './permissions';
import { actorOfUser, record, systemActor } from './transcript';
import type { Actor, Json } from '../domain/transcript';
import { checkVoteDeadline, formatShanghai } from '$lib/deadlines';
import { notify } from './notifications';
import { requireStarted, windowError } from './sessions';
import * as ballotBoard from './ballot-board';
import { pseudonymFor } from './pseudonyms';

const YES_NO_ABSTAIN = [
	{ id: 'yes', label: '同意' },
	{ id: 'no', label: '反对' },
	{ id: 'abstain', label: '弃权' }
];
const VOTING_ROLES = new Set(['resident', 'owner']);

const invalid = (message: string) => new ServiceError(400, 'invalid_payload', message);
const conflict = (code: string, message: string) => new ServiceError(409, code, message);

/**
 * Secret ballots are stored under a keyed hash of the seat, never the seat itself. The key (the
 * vote's `salt`) is destroyed at close (`ballotBoard.forgetSecret`): from then on keys are
 * already in ballot form and nothing links a ballot to a seat.
 */
const seatKey = (vote: Pick<votes.VoteHead, 'secret' | 'salt'>, key: string) =>
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
		current
	};
}

export async function create(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const user = requireConsole(viewer);
	const body = parse(createVoteSchema, input);
	const [item] = await ctx.db.select().from(items).where(eq(items.id, itemId));
	if (!item) throw notFound('item_not_found', 'item');
	const session = await sessions.find(ctx.db, item.sessionId);
	if (session?.status !== 'open') throw conflict('session_closed', 'this session is closed');
	const closesAt = body.closesAt ? new Date(body.closesAt) : null;
	if (closesAt) {
		const error = checkVoteDeadline(closesAt, session.closesAt, clock.now());
		if (error) throw windowError(error);
	}
	try {
		validateRule(body.rule);
	} catch (error) {
		if (error instanceof RatioError) throw invalid(`rule: ${error.message}`);
		throw error;
	}
	if (body.rule.kind === 'civil_code_278' && body.eligibility !== 'households') {
		throw invalid(
			'rule: civil_code_278 counts owners and floor area, so eligibility must be "households"'
		);
	}
	let options = YES_NO_ABSTAIN;
	let [min, max] = [1, 1];
	if (body.kind !== 'yes_no_abstain') {
		if (!body.options || body.options.length < 2) throw invalid('options: at least two options');
		options = body.options.map((o, i) => ({ id: `o${i + 1}`, label: o.label }));
		if (body.kind === 'multiple') {
			[min, max] = [body.min ?? 1, body.max ?? options.length];
			if (min > max || max > options.length)
				throw invalid('min/max: need 1 ≤ min ≤ max ≤ number of options');
		}
	}
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
			rule: body.rule,
			salt: newToken(),
			closesAt,
			createdBy: user.id
		});
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
			rule: body.rule,
			closesAt: closesAt?.toISOString() ?? null
		});
		return row;
	});
	ctx.realtime.voteChanged(vote.sessionId, vote.id);
	return { id: vote.id, status: vote.status, options: vote.options, closesAt: vote.closesAt };
}

async function freezeEligibility(db: Db, vote: votes.VoteRow): Promise<tally.VoterWeight[]> {
	if (vote.eligibility === 'participants') {
		const rows = await participants.listForSession(db, vote.sessionId);
		return rows
			.filter((p) => VOTING_ROLES.has(p.role))
			.map((p) => ({ key: p.id, headcount: 1, area: 0 }));
	}
	const session = await sessions.find(db, vote.sessionId);
	return tally.householdVoters(await householdsDb.listForCommunity(db, session!.communityId));
}

export async function open(
	ctx: Ctx,
	viewer: Viewer,
	voteId: string,
	now = clock.now()
): Promise<TallyView> {
	const user = requireVoteControl(viewer);
	const vote = await ctx.db.transaction(async (tx) => {
		const row = await votes.lock(tx, voteId, 'update');
		if (!row) throw notFound('vote_not_found', 'vote');
		if (row.status !== 'draft')
			throw conflict('invalid_transition', `the vote is ${row.status}, not draft`);
		const session = (await sessions.find(tx, row.sessionId))!;
		requireStarted(session, now);
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
		const opened = await votes.update(tx, voteId, { status: 'open', eligible, openedAt: now });
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
				eligibleArea: total.eligibleArea
			},
			now
		);
		const until = row.closesAt ? `，${formatShanghai(row.closesAt)}截止` : '';
		await notify(
			tx,
			{ audience: 'session', sessionId: row.sessionId },
			{
				kind: 'vote_opened',
				text: `「${row.question}」开始表决${until}`,
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
		await notify(
			tx,
			{ audience: 'session', sessionId: row.sessionId },
			{
				kind: 'vote_closed',
				text: `「${row.question}」表决已结束：${decided.passed ? '通过' : '未通过'}`,
				itemId: row.itemId,
				url: `/s/${row.sessionId}`,
				at: now
			}
		);
		return { vote: closed, ballots };
	});
	ctx.log.info({ voteId, passed: (vote.result as { passed: boolean }).passed }, 'vote closed');
	ctx.realtime.voteChanged(vote.sessionId, vote.id);
	return tallyOf(vote, ballots);
}

export async function close(ctx: Ctx, viewer: Viewer, voteId: string): Promise<TallyView> {
	const user = requireVoteControl(viewer);
	return closeVote(ctx, voteId, actorOfUser(user));
}

export async function get(ctx: Ctx, viewer: Viewer, voteId: string): Promise<TallyView> {
	const vote = await votes.findHead(ctx.db, voteId);
	if (!vote) throw notFound('vote_not_found', 'vote');
	const session = await sessions.find(ctx.db, vote.sessionId);
	const member =
		session?.status === 'closed' ||
		['admin', 'moderator', 'clerk'].includes(viewer.user?.role ?? '') ||
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

/** The seats a participant votes for: themself, or the owners whose seats they hold. */
async function seatsFor(
	db: Db,
	vote: votes.VoteHead,
	participantId: string,
	eligible: ReadonlySet<string>
): Promise<string[]> {
	if (vote.eligibility === 'participants')
		return eligible.has(participantId) ? [participantId] : [];
	const seats = await householdsDb.seatsOf(db, vote.sessionId, participantId);
	return seats.map((s) => s.ownerKey).filter((k) => eligible.has(k));
}

function checkOpen<V extends votes.VoteHead>(vote: V | null, sessionId?: string): V {
	if (!vote || (sessionId && vote.sessionId !== sessionId))
		throw notFound('vote_not_found', 'vote');
	if (vote.status === 'draft') throw conflict('vote_not_open', 'this vote has not opened yet');
	if (vote.status === 'closed') throw conflict('vote_closed', 'this vote is closed');
	return vote;
}

function choiceOf(vote: votes.VoteHead, choice: unknown): string[] {
	const valid = tally.validateChoice(vote, choice);
	if (valid === 'invalid_choice') {
		throw invalid(
			vote.kind === 'multiple'
				? `choice: pick ${vote.minChoices}–${vote.maxChoices} of the options`
				: 'choice: not an option of this vote'
		);
	}
	return valid;
}

/** Casts (or, where allowed, changes) a participant's ballot; committed before it returns. */
export async function cast(
	ctx: Ctx,
	sessionId: string,
	participant: participants.Participant,
	voteId: string,
	choice: unknown,
	now = clock.now()
): Promise<string> {
	// The voter list comes from memory (read once per open vote), never from the row per ballot.
	const entry = await openEntry(ctx, voteId);
	const fast = await castFast(ctx, sessionId, participant.id, voteId, choice, entry, now);
	if (fast) return fast;
	return castInTransaction(ctx, sessionId, participant, voteId, choice, entry, now);
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
	now = clock.now()
): Promise<string> {
	const entry = await openEntry(ctx, voteId);
	const fast = await castFast(
		ctx,
		joined.sessionId,
		joined.participantId,
		voteId,
		choice,
		entry,
		now
	);
	if (fast) return fast;
	const { sessionId, participant } = await member();
	return castInTransaction(ctx, sessionId, participant, voteId, choice, entry, now);
}

/** Every case `castFast` does not take: households, a vote not in memory, a refusal. */
async function castInTransaction(
	ctx: Ctx,
	sessionId: string,
	participant: participants.Participant,
	voteId: string,
	choice: unknown,
	entry: openVotes.OpenVote | null,
	now: Date
): Promise<string> {
	const { vote, placed, receipt } = await ctx.db.transaction(async (tx) => {
		// FOR SHARE: ballots go in side by side; opening and closing (FOR UPDATE) wait for them,
		// so no ballot lands after a close.
		const row = checkOpen(await votes.lockHead(tx, voteId, 'share'), sessionId);
		const picked = choiceOf(row, choice);
		const eligible =
			entry?.eligibleKeys ?? // the vote opened after the read above: read the list once
			new Set(((await votes.find(tx, voteId))?.eligible ?? []).map((w) => w.key));
		const seats = await seatsFor(tx, row, participant.id, eligible);
		if (seats.length === 0) {
			throw forbidden(
				row.eligibility === 'households'
					? 'scan your household slip to take your seat first'
					: 'you are not eligible in this vote'
			);
		}
		const placed: string[] = [];
		for (const seat of seats) {
			const voterKey = seatKey(row, seat);
			const ok = await votes.putBallot(
				tx,
				{
					id: newId(),
					voteId,
					voterKey,
					participantId: row.secret ? null : participant.id,
					choice: picked,
					castAt: now,
					updatedAt: now
				},
				row.changeable
			);
			if (!ok) throw conflict('already_voted', 'this seat has already voted');
			placed.push(voterKey);
		}
		const receipt = await ballotBoard.issueReceipt(tx, voteId, placed);
		return { vote: row, placed: { keys: placed, choice: picked }, receipt };
	});
	// Committed: the in-memory count follows (a load in flight is awaited, then overwritten).
	const open = await openVotes.loadedOpenVote(ctx.db, voteId);
	for (const key of placed.keys) open?.put(key, placed.choice);
	ctx.realtime.tallyChanged(vote.sessionId, vote.id);
	return receipt;
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
			at: now
		},
		head.changeable
	);
	checkOpen(outcome && { ...head, status: outcome.status }, sessionId);
	if (!outcome!.placed) throw conflict('already_voted', 'this seat has already voted');
	// Committed: the in-memory count follows (as in `cast`).
	const receipt = await ballotBoard.issueReceipt(ctx.db, voteId, [voterKey]);
	(await openVotes.loadedOpenVote(ctx.db, voteId))?.put(voterKey, picked);
	ctx.realtime.tallyChanged(sessionId, voteId);
	return receipt;
}

/** A paper ballot entered by the moderator for a household (marked as paper). */
export async function paper(
	ctx: Ctx,
	viewer: Viewer,
	voteId: string,
	input: unknown,
	now = clock.now()
) {
	const user = requireConsole(viewer);
	const body = parse(paperBallotSchema, input);
	let paperBallot: { voterKey: string; choice: string[] } | null = null;
	const vote = await ctx.db.transaction(async (tx) => {
		const row = checkOpen(await votes.lock(tx, voteId, 'share'));
		if (row.eligibility !== 'households') throw invalid('paper ballots are for household votes');
		const household = await householdsDb.findById(tx, body.householdId);
		const eligible = new Set((row.eligible ?? []).map((w) => w.key));
		if (!household || !eligible.has(household.ownerKey))
			throw notFound('household_not_found', 'household of this vote');
		const placed = await votes.putBallot(
			tx,
			{
				id: newId(),
				voteId,
				voterKey: seatKey(row, household.ownerKey),
				participantId: null,
				choice: choiceOf(row, body.choice),
				paper: true,
				enteredBy: user.id,
				castAt: now,
				updatedAt: now
			},
			row.changeable
		);
		if (!placed) throw conflict('already_voted', 'this household has already voted');
		await ballotBoard.issueReceipt(tx, voteId, [seatKey(row, household.ownerKey)]);
		paperBallot = {
			voterKey: seatKey(row, household.ownerKey),
			choice: choiceOf(row, body.choice)
		};
		await record(
			tx,
			row.sessionId,
			'paper_ballot',
			actorOfUser(user),
			{
				voteId,
				householdId: row.secret ? null : household.id,
				choice: row.secret ? null : choiceOf(row, body.choice)
			},
			now
		);
		return row;
	});
	if (paperBallot) {
		const { voterKey, choice } = paperBallot;
		(await openVotes.loadedOpenVote(ctx.db, voteId))?.put(voterKey, choice);
	}
	ctx.realtime.tallyChanged(vote.sessionId, vote.id);
	return (await currentTally(ctx, voteId))!;
}

/** Every vote of a session with its current tally (the same for everyone). */
export async function listViews(ctx: Ctx, sessionId: string): Promise<VoteView[]> {
	const rows = await votes.listForSession(ctx.db, sessionId);
	return Promise.all(rows.map(async (v) => toView(v, await votes.ballotsOf(ctx.db, v.id))));
}

/** Every vote of a session with its current tally, and what this participant chose. */
export async function forRoom(ctx: Ctx, sessionId: string, participantId: string) {
	const rows = await votes.listHeadsForSession(ctx.db, sessionId);
	const views: VoteView[] = [];
	const mine: Record<string, string[]> = {};
	for (const vote of rows) {
		const entry = vote.status === 'open' ? await openEntry(ctx, vote.id) : null;
		if (entry) {
			views.push(viewWith(vote, entry.tally()));
			for (const seat of await seatsFor(ctx.db, vote, participantId, entry.eligibleKeys)) {
				const choice = entry.choiceOf(seatKey(vote, seat));
				if (choice) {
					mine[vote.id] = choice;
					break;
				}
			}
			continue;
		}
		views.push(viewWith(vote, (await currentTally(ctx, vote.id, vote))!));
		if (vote.status === 'draft') continue;
		// A ballot exists only for an eligible seat: look this participant's seats up by key.
		const seats =
			vote.eligibility === 'participants'
				? [participantId]
				: (await householdsDb.seatsOf(ctx.db, vote.sessionId, participantId)).map(
						(s) => s.ownerKey
					);
		for (const seat of seats) {
			const ballot = await votes.findBallot(ctx.db, vote.id, seatKey(vote, seat));
			if (ballot) {
				mine[vote.id] = ballot.choice;
				break;
			}
		}
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
