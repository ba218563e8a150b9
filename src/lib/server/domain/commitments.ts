/**
 * Words committed to, not stored, in the chain: `textCommitment` = lowercase hex SHA-256 of the
 * RFC 8785 canonical JSON of {salt, text}. The random salt keeps a short hidden text ("同意")
 * from being guessed back out of its commitment.
 */
import { createHash, randomBytes } from 'node:crypto';
import canonicalize from 'canonicalize';

export const newSalt = (): string => randomBytes(16).toString('base64url');

export function commitText(salt: string, text: string): string {
	return createHash('sha256').update(canonicalize({ salt, text })!, 'utf8').digest('hex');
}
