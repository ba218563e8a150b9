/**
 * Per-community pseudonyms for what the public record names (PIPL art. 73(3): information that
 * cannot identify a person without additional information kept apart). A pseudonym is a keyed
 * HMAC-SHA256 of the register's owner value (or a participant id) under a secret of the
 * community that lives outside every chain: erasing the secret (`forgetCommunitySecret`) makes
 * the community's old pseudonyms unlinkable to anyone for good.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import * as secrets from '../db/pseudonym-secrets';

async function secretOf(db: Db, communityId: string): Promise<string> {
	const found = await secrets.find(db, communityId);
	if (found) return found;
	await secrets.insertIfAbsent(db, communityId, randomBytes(32).toString('base64'));
	return (await secrets.find(db, communityId))!;
}

/** `v-` and 12 hex characters: short enough to read aloud, 48 bits against collisions. */
export async function pseudonymFor(
	db: Db,
	communityId: string | null,
	key: string
): Promise<string> {
	const secret = await secretOf(db, communityId ?? 'default');
	return `v-${createHmac('sha256', secret).update(key, 'utf8').digest('hex').slice(0, 12)}`;
}

/** `pseudonymFor` with the secret read once, for a whole list (a register of hundreds of units). */
export async function pseudonymizer(
	db: Db,
	communityId: string | null
): Promise<(key: string) => string> {
	const secret = await secretOf(db, communityId ?? 'default');
	return (key) =>
		`v-${createHmac('sha256', secret).update(key, 'utf8').digest('hex').slice(0, 12)}`;
}

/** Erases a community's pseudonym secret: its published pseudonyms point at no one from now on. */
export async function forgetCommunitySecret(db: Db, communityId: string): Promise<void> {
	await secrets.remove(db, communityId);
}

/**
 * A unit as the public may see it: the building, and the unit with all but its first character
 * masked ("7号楼 1***"), never the full address as typed.
 */
export function maskUnit(unit: string): string {
	const chars = [...unit];
	if (chars.length <= 1) return '*';
	return chars[0] + '*'.repeat(Math.min(chars.length - 1, 4));
}
