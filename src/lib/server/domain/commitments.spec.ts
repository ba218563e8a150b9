import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { commitText, newSalt } from './commitments';

describe('words committed to', () => {
	it('[TRUST-HIDE-1] textCommitment = SHA-256 hex of the RFC 8785 JSON of {salt, text}', () => {
		const expected = createHash('sha256')
			.update(canonicalize({ text: '同意', salt: 'abc' })!)
			.digest('hex');
		expect(commitText('abc', '同意')).toBe(expected);
		expect(commitText('abd', '同意')).not.toBe(expected);
	});

	it('[TRUST-HIDE-2] salts are random, so a short hidden text cannot be guessed back', () => {
		expect(newSalt()).not.toBe(newSalt());
		expect(newSalt().length).toBeGreaterThanOrEqual(20);
	});
});
