import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { ballotListHash, forgetSecret, newReceipt } from './ballot-board';
import type { VoteRow } from '../db/votes';

describe('ballot board', () => {
	it('[TRUST-RECEIPT-1] receipts are 16 base32 characters and do not repeat', () => {
		const seen = new Set(Array.from({ length: 1000 }, newReceipt));
		expect(seen.size).toBe(1000);
		for (const r of seen) expect(r).toMatch(/^[A-Z2-7]{16}$/);
	});

	it('[TRUST-RECEIPT-2] the list hash is SHA-256 of the RFC 8785 JSON of the whole answer', () => {
		const list = {
			voteId: 'v',
			ballots: [{ receipt: 'A', choice: ['yes'], headcount: 1, area: 88.5 }]
		};
		const expected = createHash('sha256').update(canonicalize(list)!).digest('hex');
		expect(ballotListHash(list)).toBe(expected);
	});

	it('[TRUST-SECRET-1] closing a secret vote zeroes its key and keeps eligibility only under ballot keys', () => {
		const vote = {
			secret: true,
			salt: 'k',
			eligible: [
				{ key: 'owner-a', headcount: 1, area: 100 },
				{ key: 'owner-b', headcount: 1, area: 200 }
			]
		} as unknown as VoteRow;
		const keyOf = (k: string) => createHash('sha256').update(`k:${k}`).digest('hex');
		const sealed = forgetSecret(vote, keyOf);
		expect(sealed.salt).toBe('');
		const keys = sealed.eligible!.map((w) => w.key);
		expect(keys).toEqual([keyOf('owner-a'), keyOf('owner-b')].sort());
		expect(keys.join()).not.toContain('owner');
		expect(forgetSecret({ ...vote, secret: false } as VoteRow, keyOf)).toEqual({});
	});
});
