/** Each community's pseudonym key, kept outside every chain (services/pseudonyms.ts). */
import { eq } from 'drizzle-orm';
import type { Db } from './client';
import { pseudonymSecrets } from './schema';

export async function find(db: Db, communityId: string): Promise<string | null> {
	const [row] = await db
		.select()
		.from(pseudonymSecrets)
		.where(eq(pseudonymSecrets.communityId, communityId));
	return row?.secret ?? null;
}

/** Stores a secret unless the community already has one (a concurrent first use kept its own). */
export async function insertIfAbsent(db: Db, communityId: string, secret: string): Promise<void> {
	await db.insert(pseudonymSecrets).values({ communityId, secret }).onConflictDoNothing();
}

export async function remove(db: Db, communityId: string): Promise<void> {
	await db.delete(pseudonymSecrets).where(eq(pseudonymSecrets.communityId, communityId));
}
