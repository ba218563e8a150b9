/** Ballot receipts and the sealed public ballot list of a closed vote (services/ballot-board.ts). */
import { and, eq, sql } from 'drizzle-orm';
import type { BallotListView } from '$lib/protocol/trust';
import type { Db } from './client';
import { ballotLists, ballotReceipts } from './schema';

/**
 * Gives a voter key this receipt, replacing an earlier one, unless the vote's list is already
 * sealed (then the sealed receipt stays).
 */
export async function putReceipt(db: Db, voteId: string, voterKey: string, receipt: string) {
	await db
		.insert(ballotReceipts)
		.values({ voteId, voterKey, receipt })
		.onConflictDoUpdate({
			target: [ballotReceipts.voteId, ballotReceipts.voterKey],
			set: { receipt, at: sql`now()` },
			setWhere: sql`not exists (select 1 from ballot_lists l where l.vote_id = ${voteId})`
		});
}

/** Gives a voter key this receipt if it has none. */
export async function addReceipt(db: Db, voteId: string, voterKey: string, receipt: string) {
	await db.insert(ballotReceipts).values({ voteId, voterKey, receipt }).onConflictDoNothing();
}

export async function receiptOf(db: Db, voteId: string, voterKey: string): Promise<string | null> {
	const [kept] = await db
		.select({ receipt: ballotReceipts.receipt })
		.from(ballotReceipts)
		.where(and(eq(ballotReceipts.voteId, voteId), eq(ballotReceipts.voterKey, voterKey)));
	return kept?.receipt ?? null;
}

/** A vote's receipts by voter key. */
export async function receiptsOf(db: Db, voteId: string): Promise<Map<string, string>> {
	const rows = await db
		.select({ voterKey: ballotReceipts.voterKey, receipt: ballotReceipts.receipt })
		.from(ballotReceipts)
		.where(eq(ballotReceipts.voteId, voteId));
	return new Map(rows.map((r) => [r.voterKey, r.receipt]));
}

/** Stores a vote's sealed list; a list sealed before stays as it was. */
export async function insertList(db: Db, voteId: string, body: BallotListView, hash: string) {
	await db.insert(ballotLists).values({ voteId, body, hash }).onConflictDoNothing();
}

export async function findList(db: Db, voteId: string): Promise<BallotListView | null> {
	const [row] = await db.select().from(ballotLists).where(eq(ballotLists.voteId, voteId));
	return row ? (row.body as BallotListView) : null;
}
