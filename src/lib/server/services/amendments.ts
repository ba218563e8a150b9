/**
 * Amendments (修改建议) to an item's proposal: proposed on a passage (two Yjs relative
 * positions, as comments are), supported, and accepted or rejected by the moderator or by a
 * vote. Accepting merges the new text into the LIVE document through the document server, so
 * every connected editor receives it as one update; the text before and after is checkpointed
 * in the transcript, and open amendments whose passage the merge overlapped become stale.
 */
import * as Y from 'yjs';
import { createAmendmentSchema, phaseSchema, type AmendmentView, type Role } from '$lib/protocol';
import * as clock from '../clock';
import * as amendmentsDb from '../db/amendments';
import * as outcomesDb from '../db/outcomes';
import * as sessions from '../db/sessions';
import * as rules from '../domain/amendments';
import { docFromState, readPassage, type Passage } from '../domain/anchors';
import { newId } from '../ids';
import { changed, close, merge, reconnectDocs } from './amendment-merge';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError, unauthorized } from './errors';
import { requireCan } from '../access/check';
import * as sessionsService from './sessions';
import { actorOf, actorOfUser, record } from './transcript';
import { participantCanWrite } from './session-access';

type Row = amendmentsDb.Amendment;

const invalidAnchor = (message: string) => new ServiceError(400, 'invalid_anchor', message);
const conflict = (code: string, message: string) => new ServiceError(409, code, message);

async function itemOf(ctx: Ctx, itemId: string) {
	const item = await outcomesDb.findItem(ctx.db, itemId);
	if (!item) throw notFound('item_not_found', 'item');
	const session = await sessions.find(ctx.db, item.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	return { item, session };
}

async function find(ctx: Ctx, id: string): Promise<Row> {
	const row = await amendmentsDb.find(ctx.db, id);
	if (!row) throw notFound('amendment_not_found', 'amendment');
	return row;
}

function normalized(anchor: { start: unknown; end: unknown }) {
	const clean = (json: unknown) => Y.relativePositionToJSON(Y.createRelativePositionFromJSON(json));
	return { start: clean(anchor.start), end: clean(anchor.end) };
}

export async function create(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const body = parse(createAmendmentSchema, input);
	const { item, session } = await itemOf(ctx, itemId);
	if (!viewer.user && !viewer.authSessionId) throw unauthorized();
	if (session.status === 'closed') throw conflict('session_closed', 'this session is closed');
	const { participant } = await sessionsService.enterRoom(ctx, viewer, session.id);
	if (!participantCanWrite(participant, session.status)) {
		throw forbidden(
			participant.status === 'muted' ? 'you have been muted' : 'observers cannot propose amendments'
		);
	}
	let anchor: { start: unknown; end: unknown };
	let passage: Passage | null;
	try {
		anchor = normalized(body.anchor);
	} catch {
		throw invalidAnchor('the anchor is not a pair of relative positions');
	}
	const doc = docFromState(await ctx.docs.state(item.docName));
	try {
		passage = readPassage(doc, anchor);
	} finally {
		doc.destroy();
	}
	if (!passage) throw invalidAnchor('the anchor does not point into this proposal');
	if (passage.to <= passage.from || passage.quote.length === 0)
		throw invalidAnchor('the anchored passage is empty');
	if (passage.quote === body.text)
		throw new ServiceError(400, 'invalid_payload', 'text: no change');

	const id = newId();
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		await amendmentsDb.insert(tx, {
			id,
			itemId: item.id,
			sessionId: session.id,
			participantId: participant.id,
			authorName: participant.name,
			authorRole: participant.role,
			anchor,
			quoteThen: passage.quote,
			text: body.text,
			reason: body.reason || null,
			createdAt: now
		});
		await record(
			tx,
			session.id,
			'amendment_proposed',
			actorOf(participant),
			{
				amendmentId: id,
				itemId: item.id,
				quote: passage.quote,
				text: body.text,
				reason: body.reason || null,
				anchor: anchor as { start: never; end: never }
			},
			now
		);
	});
	changed(ctx, session.id, item.id);
	return { id, status: 'open' as const };
}

/** An item's amendments in document order, each with its passage as it reads NOW. */
export async function list(ctx: Ctx, viewer: Viewer, itemId: string): Promise<AmendmentView[]> {
	const { item, session } = await itemOf(ctx, itemId);
	await sessionsService.get(ctx, viewer, session.id);
	const me = await sessionsService.findMember(ctx, viewer, session.id);
	const rows = await amendmentsDb.listForItem(ctx.db, item.id);
	const counts = await amendmentsDb.supporterCounts(
		ctx.db,
		rows.map((r) => r.id)
	);
	const mine = me ? await amendmentsDb.supportedBy(ctx.db, me.id) : new Set<string>();
	const doc = rows.length ? docFromState(await ctx.docs.state(item.docName)) : null;
	try {
		const withRange = rows.map((r) => {
			const passage = doc ? readPassage(doc, r.anchor) : null;
			return { ...r, range: passage, quote: passage?.quote ?? '' };
		});
		return rules.documentOrder(withRange).map((r): AmendmentView => ({
			id: r.id,
			status: r.status,
			quote: r.quote,
			text: r.text,
			...(r.reason ? { reason: r.reason } : {}),
			author: { name: r.authorName, role: r.authorRole as Role },
			supporters: counts.get(r.id) ?? 0,
			quoteThen: r.quoteThen,
			anchor: r.anchor,
			...(r.voteId ? { voteId: r.voteId } : {}),
			at: r.createdAt.toISOString(),
			...(me && r.participantId === me.id ? { mine: true } : {}),
			...(mine.has(r.id) ? { supported: true } : {})
		}));
	} finally {
		doc?.destroy();
	}
}

/** Support from a participant: counted once per person, however often they ask. */
export async function support(ctx: Ctx, viewer: Viewer, id: string) {
	const row = await find(ctx, id);
	const session = await sessions.find(ctx.db, row.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (!viewer.user && !viewer.authSessionId) throw unauthorized();
	if (session.status === 'closed') throw conflict('session_closed', 'this session is closed');
	const { participant } = await sessionsService.enterRoom(ctx, viewer, session.id);
	if (!participantCanWrite(participant, session.status))
		throw forbidden('observers cannot support amendments');
	if (row.status !== 'open') throw conflict('amendment_not_open', `the amendment is ${row.status}`);
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		if (await amendmentsDb.addSupporter(tx, id, participant.id, now))
			await record(
				tx,
				session.id,
				'amendment_supported',
				actorOf(participant),
				{ amendmentId: id, itemId: row.itemId },
				now
			);
	});
	changed(ctx, session.id, row.itemId);
	return { supporters: (await amendmentsDb.supporterCounts(ctx.db, [id])).get(id) ?? 0 };
}

async function requireRunner(ctx: Ctx, viewer: Viewer, row: Row) {
	const user = await requireCan(ctx, viewer, 'session.run', { sessionId: row.sessionId });
	const session = await sessions.find(ctx.db, row.sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	return { user, session };
}

export async function accept(ctx: Ctx, viewer: Viewer, id: string) {
	const row = await find(ctx, id);
	const { user, session } = await requireRunner(ctx, viewer, row);
	if (session.status === 'closed') throw conflict('session_closed', 'this session is closed');
	return merge(ctx, row, actorOfUser(user));
}

export async function reject(ctx: Ctx, viewer: Viewer, id: string) {
	const row = await find(ctx, id);
	const { user } = await requireRunner(ctx, viewer, row);
	return close(ctx, row, 'rejected', actorOfUser(user));
}

export async function setPhase(ctx: Ctx, viewer: Viewer, itemId: string, input: unknown) {
	const { phase } = parse(phaseSchema, input);
	const { item, session } = await itemOf(ctx, itemId);
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId: session.id });
	if (session.status === 'closed') throw conflict('session_closed', 'this session is closed');
	const amending = phase === 'amending';
	await ctx.db.transaction(async (tx) => {
		await outcomesDb.put(tx, itemId, { amending });
		await record(tx, session.id, 'phase_changed', actorOfUser(user), { itemId, phase });
	});
	reconnectDocs(ctx, [item.docName]);
	ctx.realtime.sessionChanged(session.id);
	ctx.realtime.transcriptChanged(session.id);
	return { itemId, phase, amending: await outcomesDb.isAmending(ctx.db, item) };
}
