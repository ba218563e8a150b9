import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from './client';
import { setupTokens } from './schema';

/** How long a printed setup link stays usable if nobody opens it. */
const TOKEN_DAYS = 7;

/**
 * Adds a node's setup token. Several nodes starting at once on an empty database each print
 * their own link, and each must work (the operator reads whichever log they have), so a start
 * never removes another node's token; only links older than TOKEN_DAYS go.
 */
export async function add(db: Db, tokenHash: string, now: Date): Promise<void> {
	const stale = new Date(now.getTime() - TOKEN_DAYS * 24 * 3600 * 1000);
	await db.delete(setupTokens).where(lt(setupTokens.createdAt, stale));
	await db.insert(setupTokens).values({ tokenHash, createdAt: now }).onConflictDoNothing();
}

/**
 * Consumes every setup token at once, if and only if `tokenHash` is one of them: the first
 * administrator is made once, whichever node's link is used, and two links used together make
 * one (the second delete finds the rows gone and returns nothing).
 */
export async function consume(db: Db, tokenHash: string): Promise<boolean> {
	const rows = await db
		.delete(setupTokens)
		.where(sql`exists (select 1 from ${setupTokens} as t where t.token_hash = ${tokenHash})`)
		.returning({ tokenHash: setupTokens.tokenHash });
	return rows.some((r) => r.tokenHash === tokenHash);
}

export async function exists(db: Db, tokenHash: string): Promise<boolean> {
	const rows = await db.select().from(setupTokens).where(eq(setupTokens.tokenHash, tokenHash));
	return rows.length === 1;
}
