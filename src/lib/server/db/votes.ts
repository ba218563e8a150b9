import { and, asc, eq, getTableColumns, sql } from 'drizzle-orm';
import { executeHot, type Db } from './client';
import { ballots, votes } from './schema';
import type { Choice } from '../../votes/kinds';

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
						proxyId: row.proxyId,
						photoId: row.photoId,
						updatedAt: row.updatedAt
					}
				})
				.returning({ id: ballots.id })
		: await insert.onConflictDoNothing().returning({ id: ballots.id });
	return rows.length === 1;
}

/**
 * Casts one seat's online ballot in ONE statement, which is its own transaction (no BEGIN /
 * COMMIT round trips): it takes the vote row FOR SHARE, checks that the vote (of this session)
 * is open and inserts the ballot — or, with `replace`, changes the seat's earlier choice.
 * Answers null when there is no such vote, else the status it found (under the lock) and
 * whether the ballot went in (false: the seat has voted and `replace` is off).
 *
 * Why this is as safe as the transaction it replaces (lock, check, insert, commit): the share
 * lock is held until this statement commits, and closing takes the row FOR UPDATE. So either
 * (a) the close locked first: our FOR SHARE waits until the close commits, then (READ
 * COMMITTED) locks and returns the row's new version, whose status is 'closed', so nothing is
 * inserted — no ballot lands after the close; or (b) we locked first: the close waits for our
 * commit and then reads the ballots in a statement that sees it — no accepted ballot is missing
 * from the result. The unique key (vote_id, voter_key) keeps one ballot per seat.
 */
export async function castBallot(
	db: Db,
	sessionId: string,
	row: {
		id: string;
		voteId: string;
		voterKey: string;
		participantId: string | null;
		choice: Choice;
		at: Date;
		/** The voter's receipt, stored with the ballot when it is placed. */
		receipt: string;
	},
	replace: boolean
): Promise<{ status: VoteRow['status']; placed: boolean; receipt: string | null } | null> {
	const at = row.at.toISOString();
	const onConflict = replace
		? sql`on conflict (vote_id, voter_key) do update
				set choice = excluded.choice, updated_at = excluded.updated_at`
		: sql`on conflict (vote_id, voter_key) do nothing`;
	const rows = (await executeHot(
		db,
		replace ? 'cast_ballot_replace' : 'cast_ballot',
		sql`
		with v as materialized (
			select id, status from votes
			where id = ${row.voteId} and session_id = ${sessionId}
			for share
		), placed as (
			insert into ballots (id, vote_id, voter_key, participant_id, choice, cast_at, updated_at)
			select ${row.id}, v.id, ${row.voterKey}, ${row.participantId}, ${JSON.stringify(row.choice)}::jsonb,
				${at}::timestamptz, ${at}::timestamptz
			from v where v.status = 'open'
			${onConflict}
			returning 1
		), receipted as (
			-- In the same statement, under the same FOR SHARE: a close (FOR UPDATE) seals the
			-- ballot list only after both are in, so the receipt a voter is given is the one the
			-- published list carries (a receipt written after the seal would be in no list).
			insert into ballot_receipts (vote_id, voter_key, receipt, at)
			select v.id, ${row.voterKey}, ${row.receipt}, ${at}::timestamptz
			from v where exists (select 1 from placed)
			on conflict (vote_id, voter_key) do update set receipt = excluded.receipt, at = excluded.at
			returning receipt
		)
		select v.status, (select count(*) from placed)::int as placed,
			(select receipt from receipted) as receipt
		from v`
	)) as {
		status: VoteRow['status'];
		placed: number | string;
		receipt: string | null;
	}[];
	const found = rows[0];
	return found
		? { status: found.status, placed: Number(found.placed) === 1, receipt: found.receipt }
		: null;
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
