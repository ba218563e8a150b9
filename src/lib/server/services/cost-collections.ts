/**
 * The accountability path of a cost scheme once it is chosen (by its vote, or by a moderator
 * when the meeting agreed without one): staff tick off the households that paid their share.
 * The public sees how many paid and how much came in, never who (the checklist names units).
 */
import * as clock from '../clock';
import * as collectionsDb from '../db/cost-collections';
import * as schemesDb from '../db/cost-schemes';
import { fenToYuan } from '../domain/cost-input';
import type { Json } from '../domain/transcript';
import type { CollectionRow, CollectionSummary, CollectionView } from '$lib/protocol/cost';
import { collectionSchema } from '$lib/protocol/cost-collection';
import { can, requireCan } from '../access/check';
import * as audit from './audit';
import type { Ctx, Viewer } from './context';
import { notFound, parse, ServiceError } from './errors';
import { amountsOf, recordChosen, rowOf, schemeOf, sharersOf, tableHash } from './cost-tables';
import { pseudonymFor } from './pseudonyms';
import * as sessionsService from './sessions';
import { actorOfUser, record } from './transcript';

const conflict = (code: string, message: string) => new ServiceError(409, code, message);

const isChosen = (scheme: schemesDb.CostScheme) => !!(scheme.chosenVoteId || scheme.chosenBy);

function requireChosen(scheme: schemesDb.CostScheme) {
	if (!isChosen(scheme)) {
		throw conflict('scheme_not_chosen', 'collection starts once this scheme has been chosen');
	}
}

/** The households that owe something, each with what it owes and whether it paid. */
async function checklist(ctx: Ctx, scheme: schemesDb.CostScheme): Promise<CollectionRow[]> {
	const paid = new Map(
		(await collectionsDb.listForScheme(ctx.db, scheme.id)).map((c) => [c.householdId, c])
	);
	return (await amountsOf(ctx.db, scheme))
		.filter((a) => a.fen > 0)
		.map((a) => {
			const row = rowOf(a);
			const done = paid.get(row.householdId);
			return {
				householdId: row.householdId,
				building: row.building,
				unit: row.unit,
				floor: row.floor,
				amount: row.amount,
				paid: !!done,
				...(done ? { paidAt: done.collectedAt.toISOString() } : {})
			};
		});
}

function summaryOf(scheme: schemesDb.CostScheme, rows: CollectionRow[]): CollectionSummary {
	const paid = rows.filter((r) => r.paid);
	// Sum in fen: yuan with two decimals do not add up exactly as binary floats.
	const collectedFen = paid.reduce((sum, r) => sum + Math.round(r.amount * 100), 0);
	return {
		households: rows.length,
		paid: paid.length,
		outstanding: rows.length - paid.length,
		collected: fenToYuan(collectedFen),
		total: fenToYuan(scheme.totalFen)
	};
}

/**
 * The collection of a scheme: staff of the community get the checklist too; members of the
 * session (anyone once it is closed) the summary alone.
 */
export async function read(ctx: Ctx, viewer: Viewer, schemeId: string): Promise<CollectionView> {
	const { scheme, session } = await schemeOf(ctx, schemeId);
	const staff = await can(ctx, viewer, 'cost.collect', { sessionId: session.id });
	if (!staff) await sessionsService.get(ctx, viewer, session.id);
	requireChosen(scheme);
	const rows = await checklist(ctx, scheme);
	return staff ? { ...summaryOf(scheme, rows), table: rows } : summaryOf(scheme, rows);
}

/** The public summary of each chosen scheme among these (the caller already checked access). */
export async function summaries(
	ctx: Ctx,
	schemeIds: string[]
): Promise<Record<string, CollectionSummary>> {
	const out: Record<string, CollectionSummary> = {};
	for (const scheme of await schemesDb.findMany(ctx.db, schemeIds)) {
		if (isChosen(scheme)) out[scheme.id] = summaryOf(scheme, await checklist(ctx, scheme));
	}
	return out;
}

/** Staff record that a household paid its share (`paid: true`) or has not after all. */
export async function recordPayment(
	ctx: Ctx,
	viewer: Viewer,
	schemeId: string,
	input: unknown
): Promise<CollectionView> {
	const body = parse(collectionSchema, input);
	const { scheme, session } = await schemeOf(ctx, schemeId);
	const user = await requireCan(ctx, viewer, 'cost.collect', { sessionId: session.id });
	requireChosen(scheme);
	const before = await checklist(ctx, scheme);
	const row = before.find((r) => r.householdId === body.householdId);
	if (!row) {
		throw new ServiceError(
			400,
			'unknown_household',
			'this household owes nothing under this scheme (not sharing it, exempt, or 0)'
		);
	}
	const now = clock.now();
	const changed = await ctx.db.transaction(async (tx) => {
		const done = body.paid
			? await collectionsDb.markPaid(tx, {
					schemeId,
					householdId: row.householdId,
					collectedAt: now,
					recordedBy: user.id
				})
			: await collectionsDb.markOutstanding(tx, schemeId, row.householdId);
		if (!done) return false;
		const after = before.map((r) =>
			r.householdId === row.householdId ? { ...r, paid: body.paid } : r
		);
		const summary = summaryOf(scheme, after);
		// A pseudonym of the household (not of its owner, so it does not link to named ballots).
		const household = await pseudonymFor(tx, session.communityId, `household:${row.householdId}`);
		await record(
			tx,
			session.id,
			'cost_collection_recorded',
			actorOfUser(user),
			{
				schemeId,
				itemId: scheme.itemId,
				title: scheme.title,
				household,
				paid: body.paid,
				households: summary.households,
				paidHouseholds: summary.paid,
				outstanding: summary.outstanding,
				collected: summary.collected,
				total: summary.total
			} satisfies Record<string, Json>,
			now
		);
		return true;
	});
	if (changed) {
		await audit.logOn(
			ctx,
			viewer,
			'cost_collection_recorded',
			{ sessionId: session.id },
			schemeId,
			{
				householdId: row.householdId,
				paid: body.paid
			}
		);
		ctx.realtime.transcriptChanged(session.id);
		ctx.realtime.sessionChanged(session.id);
	}
	return read(ctx, viewer, schemeId);
}

/**
 * A moderator chooses a scheme without a vote (the meeting agreed on it by hand): its
 * households are frozen and the transcript records the table's hash, as a vote's choice does.
 * One chosen scheme per item.
 */
export async function choose(ctx: Ctx, viewer: Viewer, schemeId: string) {
	const { scheme, session } = await schemeOf(ctx, schemeId);
	const user = await requireCan(ctx, viewer, 'session.run', { sessionId: session.id });
	const siblings = await schemesDb.listForItem(ctx.db, scheme.itemId);
	if (siblings.some(isChosen)) {
		throw conflict('scheme_already_chosen', 'a scheme of this item has been chosen already');
	}
	// Schemes put to the owners' vote are decided by that vote, not by hand (even if it failed).
	if (
		(
			await schemesDb.linksOfSchemes(
				ctx.db,
				siblings.map((s) => s.id)
			)
		).length > 0
	) {
		throw conflict('scheme_put_to_vote', 'the schemes of this item were put to a vote');
	}
	const now = clock.now();
	await ctx.db.transaction(async (tx) => {
		let current = scheme;
		if (!current.frozen) {
			await schemesDb.freeze(tx, scheme.id, await sharersOf(tx, scheme), now);
			current = (await schemesDb.find(tx, scheme.id))!;
		}
		const rows = (await amountsOf(tx, current)).map(rowOf);
		const hash = tableHash(rows);
		await schemesDb.markChosenByHand(tx, scheme.id, user.id, hash, now);
		await recordChosen(tx, session.id, current, rows.length, hash, actorOfUser(user), null, now);
	});
	ctx.realtime.transcriptChanged(session.id);
	ctx.realtime.sessionChanged(session.id);
	return { schemeId: scheme.id, status: 'chosen' as const };
}

/** The staff checklist page: the scheme's title with its collection, for staff of its session. */
export async function checklistFor(ctx: Ctx, viewer: Viewer, sessionId: string, schemeId: string) {
	const { scheme, session } = await schemeOf(ctx, schemeId);
	if (session.id !== sessionId) throw notFound('cost_scheme_not_found', 'cost scheme');
	await requireCan(ctx, viewer, 'cost.collect', { sessionId: session.id });
	return {
		sessionId: session.id,
		scheme: { id: scheme.id, title: scheme.title },
		collection: await read(ctx, viewer, schemeId)
	};
}
