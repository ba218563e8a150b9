import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { setupTokens } from './schema';

export async function replace(db: Db, tokenHash: string): Promise<void> {
	await db.delete(setupTokens);
	await db.insert(setupTokens).values({ tokenHash });
}

/** Consumes the token: true once, for the right token only. */
export async function consume(db: Db, tokenHash: string): Promise<boolean> {
	const rows = await db.delete(setupTokens).where(eq(setupTokens.tokenHash, tokenHash)).returning();
	return rows.length === 1;
}

export async function exists(db: Db, tokenHash: string): Promise<boolean> {
	const rows = await db.select().from(setupTokens).where(eq(setupTokens.tokenHash, tokenHash));
	return rows.length === 1;
}
