import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from './client';
import { ballots, proxies, votes } from './schema';

export type Proxy = typeof proxies.$inferSelect;

export async function insert(db: Db, row: typeof proxies.$inferInsert): Promise<Proxy> {
	const [proxy] = await db.insert(proxies).values(row).returning();
	return proxy!;
}

export async function findById(db: Db, id: string): Promise<Proxy | null> {
	const rows = await db.select().from(proxies).where(eq(proxies.id, id)).limit(1);
	return rows[0] ?? null;
}

export async function findByToken(db: Db, token: string): Promise<Proxy | null> {
	const rows = await db.select().from(proxies).where(eq(proxies.token, token)).limit(1);
	return rows[0] ?? null;
}

/** Locks one appointment (taking it up, confirming, revoking). */
export async function lock(db: Db, id: string): Promise<Proxy | null> {
	const rows = await db.select().from(proxies).where(eq(proxies.id, id)).for('update');
	return rows[0] ?? null;
}

/**
 * Serialises, across every process on the database, the transactions that give a holder seats
 * in a session (taking up a link, confirming a paper form): each counts the seats the holder
 * already has against the cap, and two counting at once would both see room for one more
 * (Postgres' read committed; PGlite runs one transaction at a time anyway).
 */
export async function lockSessionGrants(db: Db, sessionId: string): Promise<void> {
	await db.execute(
		sql`select pg_advisory_xact_lock(hashtextextended(${`yishi:proxies:${sessionId}`}, 0))`
	);
}

/** Every appointment of a session that is not revoked. */
export async function liveInSession(db: Db, sessionId: string): Promise<Proxy[]> {
	return db
		.select()
		.from(proxies)
		.where(and(eq(proxies.sessionId, sessionId), ne(proxies.status, 'revoked')))
		.orderBy(desc(proxies.createdAt));
}

export async function listForSession(db: Db, sessionId: string): Promise<Proxy[]> {
	return db
		.select()
		.from(proxies)
		.where(eq(proxies.sessionId, sessionId))
		.orderBy(desc(proxies.createdAt));
}

export async function update(db: Db, id: string, patch: Partial<typeof proxies.$inferInsert>) {
	const [row] = await db.update(proxies).set(patch).where(eq(proxies.id, id)).returning();
	return row!;
}

/** Ballots cast under an appointment, with whether their vote is still open. */
export async function ballotsUnder(db: Db, proxyId: string) {
	return db
		.select({ voteId: ballots.voteId, status: votes.status })
		.from(ballots)
		.innerJoin(votes, eq(votes.id, ballots.voteId))
		.where(eq(ballots.proxyId, proxyId));
}

/** How many ballots of a vote were cast by proxy and on paper (for the announcement). */
export async function ballotOrigins(db: Db, voteId: string) {
	const rows = await db
		.select({ proxyId: ballots.proxyId, paper: ballots.paper })
		.from(ballots)
		.where(eq(ballots.voteId, voteId));
	return {
		proxy: rows.filter((r) => r.proxyId !== null).length,
		paper: rows.filter((r) => r.paper).length
	};
}

export async function findManyVotes(db: Db, ids: string[]) {
	if (ids.length === 0) return [];
	return db
		.select({ id: votes.id, status: votes.status })
		.from(votes)
		.where(inArray(votes.id, ids));
}
