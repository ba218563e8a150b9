/**
 * Escalation to the street (上报街道): an unresolved item goes up with the proposal as
 * it stood, its votes and the whole transcript; the street office moves the case step by step
 * within a deadline and answers; the answer is public and flows back to the item. Every change
 * is an entry in the case's own chain (`escalation:<id>`) and in the session's.
 */
import { notice } from '$lib/notice-text';
import * as clock from '../clock';
import { canIn, requireCan, requireRole } from '../access/check';
import { DEFAULT_STREET_ID } from '../access/capabilities';
import * as v from 'valibot';
import type { TallyView } from '$lib/protocol';
import * as orgs from '../db/orgs';
import * as users from '../db/users';
import * as reminders from '../db/escalation-reminders';
import * as escalationsDb from '../db/escalations';
import * as outcomesDb from '../db/outcomes';
import type { Job } from '../scheduler';
import * as sessionState from '../db/session-state';
import * as sessions from '../db/sessions';
import * as transcript from '../db/transcript';
import * as votes from '../db/votes';
import * as workflow from '../domain/escalation';
import { shanghaiTime } from '../domain/opinions';
import { newId } from '../ids';
import { signCurrentHead } from './transparency';
import { isStaffOf } from './trust-access';
import { withContent } from './words';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError, unauthorized } from './errors';
import { checkpoint, snapshot } from './proposals';
import { actorOfUser, record } from './transcript';
import { tallyOf } from './votes';
import * as webhooks from './webhooks';
import { notify } from './notifications';

type Row = escalationsDb.Escalation;

export const caseChain = (id: string) => `escalation:${id}`;

const noteSchema = v.object({
	note: v.pipe(v.string(), v.trim(), v.minLength(1, 'note: required'), v.maxLength(5000))
});
const answerSchema = v.object({
	text: v.pipe(v.string(), v.trim(), v.minLength(1, 'text: required'), v.maxLength(20_000))
});

const isPublic = (row: Row) => row.status === 'answered' || row.status === 'closed';

export function summary(row: Row, itemTitle: string, now = clock.now()) {
	return {
		id: row.id,
		status: row.status,
		deadline: row.deadline.toISOString(),
		overdue: workflow.isOverdue(row.status, row.deadline, row.answeredAt, now),
		itemTitle,
		communityId: row.communityId,
		sessionId: row.sessionId,
		itemId: row.itemId
	};
}

export async function create(
	ctx: Ctx,
	viewer: Viewer,
	itemId: string,
	input: unknown,
	now = clock.now()
) {
	requireRole(viewer, 'escalation.submit');
	const { note } = parse(noteSchema, input);
	const user = await requireCan(ctx, viewer, 'escalation.submit', { itemId });
	const target = await outcomesDb.findItem(ctx.db, itemId);
	if (!target) throw notFound('item_not_found', 'item');
	// Read before the transaction: loading the document uses the store too.
	const snap = await snapshot(ctx, target.docName);
	const row = await ctx.db.transaction(async (tx) => {
		const item = await outcomesDb.lockItem(tx, itemId);
		if (!item) throw notFound('item_not_found', 'item');
		if (item.status !== 'unresolved') {
			throw new ServiceError(
				409,
				'item_not_unresolved',
				'only an unresolved item can be escalated'
			);
		}
		const session = (await sessions.find(tx, item.sessionId))!;
		const community = (await orgs.findCommunity(tx, session.communityId))!;
		const street = await orgs.findStreet(tx, community.streetId);
		const proposal = await checkpoint(tx, item, snap, 'escalated', actorOfUser(user));
		const created = await escalationsDb.insert(tx, {
			id: newId(),
			itemId,
			sessionId: item.sessionId,
			communityId: community.id,
			streetId: community.streetId,
			status: 'submitted',
			note,
			proposalText: proposal.text,
			proposalHash: proposal.stateHash,
			deadline: workflow.deadlineFrom(now, street?.responseHours ?? 4),
			createdBy: user.id,
			createdAt: now
		});
		const data = {
			escalationId: created.id,
			itemId,
			title: item.title,
			note,
			deadline: created.deadline.toISOString()
		};
		await record(tx, item.sessionId, 'escalated', actorOfUser(user), data, now);
		await record(
			tx,
			caseChain(created.id),
			'case_submitted',
			actorOfUser(user),
			{
				...data,
				sessionId: item.sessionId,
				communityId: community.id,
				proposalHash: proposal.stateHash,
				sessionHead: (await transcript.head(tx, item.sessionId)).hash
			},
			now
		);
		// Each of the street's officials hears of the case in their feed (and by push).
		for (const official of await users.streetOfficials(
			tx,
			community.streetId,
			community.streetId === DEFAULT_STREET_ID
		)) {
			await notify(
				tx,
				{ audience: 'user', userId: official.id },
				{
					...notice('escalation_submitted', {
						community: community.name,
						title: item.title,
						at: shanghaiTime(created.deadline)
					}),
					itemId,
					url: `/street/${created.id}`,
					at: now
				}
			);
		}
		// The street receives a head signed now: the record it was sent cannot be rewritten unseen.
		const signedHead = await signCurrentHead(ctx, item.sessionId, tx);
		await webhooks.enqueue(
			ctx,
			tx,
			created.id,
			'escalation.submitted',
			{ ...data, signedHead },
			now
		);
		return created;
	});
	ctx.log.info({ escalationId: row.id, itemId }, 'item escalated');
	ctx.realtime.transcriptChanged(row.sessionId);
	return { id: row.id, status: row.status, deadline: row.deadline.toISOString() };
}

async function find(ctx: Ctx, id: string) {
	const found = await escalationsDb.findWithItem(ctx.db, id);
	if (!found) throw notFound('escalation_not_found', 'escalation');
	return found;
}

export async function list(ctx: Ctx, viewer: Viewer, now = clock.now()) {
	const user = requireRole(viewer, 'escalations.list');
	// A street official sees their own street's cases; an administrator every street's.
	const street = user.role === 'admin' ? null : (user.streetId ?? DEFAULT_STREET_ID);
	const rows = await escalationsDb.listByDeadline(ctx.db, street);
	return rows.map((r) => summary(r.row, r.itemTitle, now));
}

/** Answered cases of a community, for its public archive. */
export async function listPublic(ctx: Ctx, communityId?: string, now = clock.now()) {
	const rows = await escalationsDb.listNewestFirst(ctx.db);
	return rows
		.filter((r) => isPublic(r.row) && (!communityId || r.row.communityId === communityId))
		.map((r) => ({ ...summary(r.row, r.itemTitle, now), answer: r.row.answer }));
}

export async function get(ctx: Ctx, viewer: Viewer, id: string, now = clock.now()) {
	const { row, item } = await find(ctx, id);
	const allowed =
		isPublic(row) ||
		canIn(viewer, 'escalation.read', { communityId: row.communityId, streetId: row.streetId });
	if (!allowed)
		throw viewer.authSessionId || viewer.user ? forbidden('not your case') : unauthorized();
	const voteRows = (await votes.listForSession(ctx.db, row.sessionId)).filter(
		(vt) => vt.itemId === row.itemId
	);
	const tallies: (TallyView & { question: string })[] = [];
	for (const vt of voteRows)
		tallies.push({ question: vt.question, ...tallyOf(vt, await votes.ballotsOf(ctx.db, vt.id)) });
	const entries = await withContent(
		ctx.db,
		row.sessionId,
		await transcript.list(ctx.db, row.sessionId),
		isStaffOf(viewer, row.communityId)
	);
	const caseEntries = await transcript.list(ctx.db, caseChain(id));
	return {
		...summary(row, item.title, now),
		note: row.note,
		item: { id: item.id, title: item.title, status: item.status, sessionId: item.sessionId },
		proposal: { text: row.proposalText, stateHash: row.proposalHash },
		votes: tallies,
		transcript: { entries, head: entries.at(-1)?.hash ?? '0'.repeat(64) },
		caseTranscript: { entries: caseEntries, head: caseEntries.at(-1)?.hash ?? '0'.repeat(64) },
		...(row.answer
			? { answer: { text: row.answer, at: row.answeredAt!.toISOString(), by: row.answeredBy } }
			: {})
	};
}

/**
 * Of these cases, the ones this viewer may read, in the same order: a clerk helps run the
 * session but reads a case only once it is answered and public.
 */
export async function readable(ctx: Ctx, viewer: Viewer, ids: readonly string[]) {
	const cases: Awaited<ReturnType<typeof get>>[] = [];
	for (const id of ids) {
		const { row } = await find(ctx, id);
		const scope = { communityId: row.communityId, streetId: row.streetId };
		if (isPublic(row) || canIn(viewer, 'escalation.read', scope))
			cases.push(await get(ctx, viewer, id));
	}
	return cases;
}

/** One step of the workflow by the street office; out of order → 409 invalid_transition. */
export async function advance(
	ctx: Ctx,
	viewer: Viewer,
	id: string,
	action: workflow.EscalationStep,
	input: unknown,
	now = clock.now()
) {
	const user = await requireCan(ctx, viewer, 'escalation.work', { escalationId: id });
	const answer = action === 'answer' ? parse(answerSchema, input).text : null;
	await ctx.db.transaction(async (tx) => {
		const row = await escalationsDb.lock(tx, id);
		if (!row) throw notFound('escalation_not_found', 'escalation');
		const next = workflow.step(row.status, action);
		if (!next.ok) {
			throw new ServiceError(
				409,
				'invalid_transition',
				`cannot ${action} a case that is ${row.status}`
			);
		}
		await escalationsDb.update(tx, id, {
			status: next.status,
			...(answer ? { answer, answeredAt: now, answeredBy: user.username } : {})
		});
		const data = {
			escalationId: id,
			from: row.status,
			to: next.status,
			...(answer ? { answer } : {})
		};
		await record(tx, caseChain(id), `case_${next.status}`, actorOfUser(user), data, now);
		// The answer flows back into the community's record of the item.
		if (answer) {
			await record(
				tx,
				row.sessionId,
				'escalation_answered',
				actorOfUser(user),
				{ ...data, itemId: row.itemId },
				now
			);
			const item = await outcomesDb.findItem(tx, row.itemId);
			await notify(
				tx,
				{ audience: 'session', sessionId: row.sessionId },
				{
					...notice('escalation_answered', { title: item?.title ?? '' }),
					itemId: row.itemId,
					url: `/s/${row.sessionId}`,
					at: now
				}
			);
		}
		const signedHead = await signCurrentHead(ctx, row.sessionId, tx);
		await webhooks.enqueue(ctx, tx, id, `escalation.${next.status}`, { ...data, signedHead }, now);
	});
	ctx.realtime.transcriptChanged((await find(ctx, id)).row.sessionId);
	return get(ctx, viewer, id, now);
}

/**
 * The street invites (约请) bureaus and experts into a street-level cloud session on the case;
 * invite links for it are made as for any session.
 */
export async function openConsultation(ctx: Ctx, viewer: Viewer, id: string, now = clock.now()) {
	const user = await requireCan(ctx, viewer, 'escalation.work', { escalationId: id });
	const { row, item } = await find(ctx, id);
	const existing = await sessionState.findByEscalation(ctx.db, id);
	if (existing) return { sessionId: existing.id };
	const sessionId = newId();
	const itemId = newId();
	await ctx.db.transaction(async (tx) => {
		await sessions.insert(
			tx,
			{
				id: sessionId,
				communityId: row.communityId,
				title: `【街道协商】${item.title}`,
				kind: 'cloud',
				currentItemId: itemId,
				escalationId: id,
				createdBy: user.id
			},
			[
				{
					id: itemId,
					sessionId,
					position: 0,
					title: item.title,
					body: `${row.note}\n\n${row.proposalText}`,
					docName: `item-${itemId}`
				}
			]
		);
		await record(
			tx,
			sessionId,
			'session_created',
			actorOfUser(user),
			{ title: `【街道协商】${item.title}`, kind: 'cloud', escalationId: id },
			now
		);
		await record(tx, caseChain(id), 'consultation_opened', actorOfUser(user), { sessionId }, now);
	});
	return { sessionId };
}

export async function deliveries(ctx: Ctx, viewer: Viewer, id: string) {
	await requireCan(ctx, viewer, 'escalation.work', { escalationId: id });
	await find(ctx, id);
	return webhooks.log(ctx.db, id);
}

/**
 * Reminds the street of its cases (run by the scheduler on the leader): within the hour before
 * an answer is due, and when it goes overdue, each case once (domain/escalation.ts). Each
 * reminder is marked in the same transaction as its notifications, so a pass that races
 * another (or a node that dies half-way) never tells twice or not at all.
 */
export function remindersJob(ctx: Ctx): Job {
	return {
		name: 'escalation-reminders',
		async run(now) {
			const batch = 200;
			const cases = await reminders.candidates(
				ctx.db,
				new Date(now.getTime() + workflow.DUE_SOON_MS),
				batch
			);
			for (const c of cases) {
				const which = workflow.reminderDue(c, now);
				if (!which) continue;
				await ctx.db.transaction(async (tx) => {
					if (!(await reminders.markTold(tx, c.id, which, now))) return;
					const said = notice(which === 'due_soon' ? 'escalation_due_soon' : 'escalation_overdue', {
						title: c.title,
						at: shanghaiTime(c.deadline)
					});
					const officials = await users.streetOfficials(
						tx,
						c.streetId,
						c.streetId === DEFAULT_STREET_ID
					);
					for (const official of officials) {
						await notify(
							tx,
							{ audience: 'user', userId: official.id },
							{ ...said, url: `/street/${c.id}`, at: now }
						);
					}
				});
				if (which === 'overdue') ctx.log.warn({ escalationId: c.id }, 'case overdue');
			}
			if (cases.length === batch) return new Date(now.getTime() + 1000);
			const [untold, toldSoon] = await Promise.all([
				reminders.earliestDeadline(ctx.db, false),
				reminders.earliestDeadline(ctx.db, true)
			]);
			const wakes = [
				untold ? untold.getTime() - workflow.DUE_SOON_MS : Infinity,
				toldSoon ? toldSoon.getTime() + 1 : Infinity
			];
			const next = Math.max(Math.min(...wakes), now.getTime() + 1000);
			return Number.isFinite(Math.min(...wakes)) ? new Date(next) : null;
		}
	};
}
