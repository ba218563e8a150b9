/**
 * Signed transcript heads and the public log they are appended to (src/lib/protocol/REFERENCE.md,
 * additions to §8). A signature is Ed25519 (RFC 8032) over the RFC 8785 canonical JSON of
 * {sessionId, seq, head, at}; a log entry's `hash` is SHA-256 hex of `prevHash` followed by the
 * canonical JSON of {n, sessionId, seq, head, at, signature} — the transcript's own recipe — so
 * a mirror of the log catches a head that was later replaced. Pure: keys come in as arguments.
 */
import {
	createHash,
	createPrivateKey,
	createPublicKey,
	sign,
	verify,
	type KeyObject
} from 'node:crypto';
import canonicalize from 'canonicalize';
import { GENESIS } from './transcript';

export interface HeadStatement {
	sessionId: string;
	seq: number;
	head: string;
	at: string;
}

export interface SignedHead extends HeadStatement {
	signature: string;
}

export interface LogEntry extends SignedHead {
	n: number;
	prevHash: string;
	hash: string;
}

/** PKCS#8 DER prefix of an Ed25519 private key; the 32-byte seed follows (RFC 8410 §7). */
const PKCS8_ED25519 = Buffer.from('302e020100300506032b657004220420', 'hex');

export interface SigningKey {
	privateKey: KeyObject;
	/** base64 of the 32-byte raw public key */
	publicKey: string;
}

/** A key from the base64 of its 32-byte seed. */
export function signingKeyFromSeed(seedBase64: string): SigningKey {
	const seed = Buffer.from(seedBase64, 'base64');
	if (seed.length !== 32) throw new Error('an Ed25519 seed is 32 bytes');
	const privateKey = createPrivateKey({
		key: Buffer.concat([PKCS8_ED25519, seed]),
		format: 'der',
		type: 'pkcs8'
	});
	const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
	return { privateKey, publicKey: Buffer.from(jwk.x!, 'base64url').toString('base64') };
}

const canonical = (value: unknown): string => {
	const text = canonicalize(value);
	if (text === undefined) throw new Error('cannot be canonicalised');
	return text;
};

/** The exact bytes a signature covers. */
export const statementBytes = (s: HeadStatement): Buffer =>
	Buffer.from(canonical({ sessionId: s.sessionId, seq: s.seq, head: s.head, at: s.at }), 'utf8');

export function signHead(key: SigningKey, s: HeadStatement): SignedHead {
	const signature = sign(null, statementBytes(s), key.privateKey).toString('base64');
	return { sessionId: s.sessionId, seq: s.seq, head: s.head, at: s.at, signature };
}

/** Checks a signed head against a public key (base64 of the raw 32 bytes). */
export function verifyHead(publicKeyBase64: string, s: SignedHead): boolean {
	try {
		const raw = Buffer.from(publicKeyBase64, 'base64');
		const key = createPublicKey({
			key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') },
			format: 'jwk'
		});
		return verify(null, statementBytes(s), key, Buffer.from(s.signature, 'base64'));
	} catch {
		return false;
	}
}

export function hashLogEntry(prevHash: string, e: Omit<LogEntry, 'prevHash' | 'hash'>): string {
	const body = canonical({
		n: e.n,
		sessionId: e.sessionId,
		seq: e.seq,
		head: e.head,
		at: e.at,
		signature: e.signature
	});
	return createHash('sha256')
		.update(prevHash + body, 'utf8')
		.digest('hex');
}

/** The log entry after `tip` (null: the first). */
export function nextLogEntry(tip: { n: number; hash: string } | null, s: SignedHead): LogEntry {
	const n = (tip?.n ?? 0) + 1;
	const prevHash = tip?.hash ?? GENESIS;
	const entry = { n, ...s };
	return { ...entry, prevHash, hash: hashLogEntry(prevHash, entry) };
}

/**
 * Where a transcript contradicts a signed head: null when the head is consistent (its seq lies
 * within the chain and the entry there hashes to it), else the reason.
 */
export function contradiction(
	entries: readonly { seq: number; hash: string }[],
	sessionId: string,
	h: HeadStatement
): string | null {
	if (h.sessionId !== sessionId) return null; // another session's head says nothing here
	if (h.seq === 0) return null;
	const entry = entries[h.seq - 1];
	if (!entry) return `the transcript ends at seq ${entries.length}, before signed seq ${h.seq}`;
	if (entry.hash !== h.head) return `entry ${h.seq} hashes to ${entry.hash}, not the signed head`;
	return null;
}
