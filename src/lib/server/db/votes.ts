import { and, asc, eq, getTableColumns } from 'drizzle-orm';
import type { Db } from './client';
import { ballots, votes } from './schema';

export type VoteRow = typeof votes.$inferSelect;
export type BallotRow = typeof ballots.$inferSelect;

export async function insert(db: Db, row: typeof votes.$inferInsert): Promise<VoteRow> {
	const [vote] = await db.insert(votes).values(row).returning();
	return vote!;
}

export async function find(db: Db, id: string): Promise<VoteRow | null> {
	const rows = await db.select().from(votes).where(eq(votes.id, id)).limit(1);
	return rows[0] ?? null;
}

/**
 * Reads a vote and locks it: `share` for casting (ballots go in side by side), `update` for
 * opening and closing (which wait for ballots in flight, so none lands after the close).
 */
export async function lock(db: Db, id: string, mode: 'share' | 'update'): Promise<VoteRow | null> {
	const rows = await db.select().from(votes).where(eq(votes.id, id)).for(mode);
	return rows[0] ?? null;
}

export async function listForSession(db: Db, sessionId: string): Promise<VoteRow[]> {
	return db
		.select()
		.from(votes)
		.where(eq(votes.sessionId, sessionId))
		.orderBy(asc(votes.createdAt));
}

export async function update(
	db: Db,
	id: string,
	patch: Partial<typeof votes.$inferInsert>
): Promise<VoteRow> {
	const [vote] = await db.update(votes).set(patch).where(eq(votes.id, id)).returning();
	return vote!;
}

export async function ballotsOf(db: Db, voteId: string): Promise<BallotRow[]> {
	return db.select().from(ballots).where(eq(ballots.voteId, voteId));
}

export async function findBallot(
	db: Db,
	voteId: string,
	voterKey: string
): Promise<BallotRow | null> {
	const rows = await db
		.select()
		.from(ballots)
		.where(and(eq(ballots.voteId, voteId), eq(ballots.voterKey, voterKey)))
		.limit(1);
	return rows[0] ?? null;
}

/**
 * Puts a ballot in its seat. With `replace` an earlier ballot of the seat is changed; without,
 * the unique key keeps the first and this answers false.
 */
export async function putBallot(
	db: Db,
	row: typeof ballots.$inferInsert,
	replace: boolean
): Promise<boolean> {
	const insert = db.insert(ballots).values(row);
	const rows = replace
		? await insert
				.onConflictDoUpdate({
					target: [ballots.voteId, ballots.voterKey],
					set: {
						choice: row.choice,
						paper: row.paper,
						enteredBy: row.enteredBy,
						updatedAt: row.updatedAt
					}
				})
				.returning({ id: ballots.id })
		: await insert.onConflictDoNothing().returning({ id: ballots.id });
	return rows.length === 1;
}

/** Every column but `eligible` (the frozen voter list, which grows with the room). */
const { eligible: _eligible, ...headColumns } = getTableColumns(votes);
export type VoteHead = Omit<VoteRow, 'eligible'>;

/** A vote without its voter list: what the ballot and tally paths need on every call. */
export async function findHead(db: Db, id: string): Promise<VoteHead | null> {
	const rows = await db.select(headColumns).from(votes).where(eq(votes.id, id)).limit(1);
	return rows[0] ?? null;
}

/** `lock` without the voter list (same row lock). */
export async function lockHead(
	db: Db,
	id: string,
	mode: 'share' | 'update'
): Promise<VoteHead | null> {
	const rows = await db.select(headColumns).from(votes).where(eq(votes.id, id)).for(mode);
	return rows[0] ?? null;
}

export async function listHeadsForSession(db: Db, sessionId: string): Promise<VoteHead[]> {
	return db
		.select(headColumns)
		.from(votes)
		.where(eq(votes.sessionId, sessionId))
		.orderBy(asc(votes.createdAt));
}
