import { createPublicKey, generateKeyPairSync, verify } from 'node:crypto';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import {
	contradiction,
	hashLogEntry,
	nextLogEntry,
	signHead,
	signingKeyFromSeed,
	verifyHead
} from './signed-heads';
import { chain, GENESIS } from './transcript';

const seed = Buffer.alloc(32, 7).toString('base64');
const key = signingKeyFromSeed(seed);
const statement = {
	sessionId: 's1',
	seq: 3,
	head: 'ab'.repeat(32),
	at: '2026-12-03T10:00:00.000Z'
};

describe('signed heads', () => {
	it('[TRUST-SIG-1] the public key is the 32 raw bytes of Ed25519, base64', () => {
		expect(Buffer.from(key.publicKey, 'base64')).toHaveLength(32);
		expect(signingKeyFromSeed(seed).publicKey).toBe(key.publicKey);
	});

	it("[TRUST-SIG-2] a signature covers the RFC 8785 JSON of {sessionId, seq, head, at} (checked with Node's own Ed25519)", () => {
		const signed = signHead(key, statement);
		const pub = createPublicKey({
			key: {
				kty: 'OKP',
				crv: 'Ed25519',
				x: Buffer.from(key.publicKey, 'base64').toString('base64url')
			},
			format: 'jwk'
		});
		const bytes = Buffer.from(canonicalize(statement)!);
		expect(verify(null, bytes, pub, Buffer.from(signed.signature, 'base64'))).toBe(true);
		expect(verifyHead(key.publicKey, signed)).toBe(true);
		expect(verifyHead(key.publicKey, { ...signed, seq: 4 })).toBe(false);
		const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }).x!;
		expect(verifyHead(Buffer.from(other, 'base64url').toString('base64'), signed)).toBe(false);
	});

	it('[TRUST-LOG-1] log entries chain like a transcript: n from 1, prevHash of the first is 64 zeros', () => {
		const a = nextLogEntry(null, signHead(key, statement));
		const b = nextLogEntry(a, signHead(key, { ...statement, seq: 4 }));
		expect(a).toMatchObject({ n: 1, prevHash: GENESIS });
		expect(b).toMatchObject({ n: 2, prevHash: a.hash });
		expect(b.hash).toBe(hashLogEntry(a.hash, b));
		expect(hashLogEntry(a.hash, { ...b, at: 'later' })).not.toBe(b.hash);
	});

	it('[TRUST-LOG-2] a transcript contradicts a signed head it no longer reaches or hashes differently', () => {
		let head = null as { seq: number; hash: string } | null;
		const entries = [1, 2, 3].map(() => {
			const e = chain(head, { at: 't', type: 'x', actor: null, data: {} });
			head = e;
			return e;
		});
		const good = { sessionId: 's1', seq: 2, head: entries[1]!.hash, at: 't' };
		expect(contradiction(entries, 's1', good)).toBeNull();
		expect(contradiction(entries, 's1', { ...good, head: 'f'.repeat(64) })).toMatch(/entry 2/);
		expect(contradiction(entries.slice(0, 1), 's1', good)).toMatch(/ends at seq 1/);
		expect(contradiction(entries, 'other', { ...good, head: 'f'.repeat(64) })).toBeNull();
	});
});
