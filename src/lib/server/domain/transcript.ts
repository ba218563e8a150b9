/**
 * The transcript hash chain (REFERENCE.md §4): hash = lowercase hex SHA-256 of prevHash followed by
 * the RFC 8785 (JCS) canonical JSON of {seq, at, type, actor, data}; entry 1's prevHash is 64
 * zeros. Canonicalisation is the `canonicalize` package (an RFC 8785 implementation by one of
 * its authors), so any JCS library in any language re-walks the same chain.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeHexLowerCase } from '@oslojs/encoding';
import canonicalize from 'canonicalize';

export const GENESIS = '0'.repeat(64);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Actor {
	/** participant id, user id, or "system" */
	id: string;
	name: string;
	role: string;
	[key: string]: Json;
}

export interface EntryBody {
	seq: number;
	at: string;
	type: string;
	actor: Actor | Json;
	data: Json;
}

export interface Entry extends EntryBody {
	prevHash: string;
	hash: string;
}

export function hashEntry(prevHash: string, body: EntryBody): string {
	const canonical = canonicalize({
		seq: body.seq,
		at: body.at,
		type: body.type,
		actor: body.actor,
		data: body.data
	});
	if (canonical === undefined) throw new Error('entry cannot be canonicalised');
	return encodeHexLowerCase(sha256(new TextEncoder().encode(prevHash + canonical)));
}

/** The next entry of a chain whose head is (seq, hash). */
export function chain(
	head: { seq: number; hash: string } | null,
	body: Omit<EntryBody, 'seq'>
): Entry {
	const seq = (head?.seq ?? 0) + 1;
	const prevHash = head?.hash ?? GENESIS;
	const entry = { seq, at: body.at, type: body.type, actor: body.actor, data: body.data };
	return { ...entry, prevHash, hash: hashEntry(prevHash, entry) };
}

export type Verification =
	{ ok: true; head: string; count: number } | { ok: false; seq: number; reason: string };

/**
 * Re-walks a chain from entry 1. Names the first entry whose seq, link or hash is wrong; with
 * `expectedHead` (a head published earlier) a truncated or extended chain is caught too.
 */
export function verify(entries: readonly Entry[], expectedHead?: string): Verification {
	let prevHash = GENESIS;
	for (const [i, e] of entries.entries()) {
		const seq = i + 1;
		if (e.seq !== seq)
			return { ok: false, seq, reason: `expected seq ${seq}, found ${String(e.seq)}` };
		if (e.prevHash !== prevHash)
			return { ok: false, seq, reason: 'prevHash does not match the previous entry' };
		let hash: string;
		try {
			hash = hashEntry(prevHash, e);
		} catch {
			return { ok: false, seq, reason: 'entry is not canonical JSON' };
		}
		if (e.hash !== hash) return { ok: false, seq, reason: 'hash does not match the entry' };
		prevHash = hash;
	}
	if (expectedHead !== undefined && prevHash !== expectedHead) {
		return {
			ok: false,
			seq: entries.length + 1,
			reason: 'the chain does not end at the published head'
		};
	}
	return { ok: true, head: entries.length ? prevHash : GENESIS, count: entries.length };
}
