#!/usr/bin/env node
// Re-walks an exported transcript offline (src/lib/protocol/REFERENCE.md, §4 and §8):
//   npm run verify -- <transcript.json> [--head <hash>] [--heads <file>] [--key <base64>]
//                                       [--origin <url>]
// Exit 0 and the head printed when the chain holds; exit 1 naming the first bad seq, or the
// first signed head the transcript contradicts, otherwise; exit 2 for unusable input.
// Checks, in order: the hash chain (§4); entry 1 names this session; the words beside entries
// match their `textCommitment`; `signedHead` is signed by the deployment key (given with --key,
// else fetched from --origin or the file's `origin`; without either it is reported unchecked)
// and lies on the chain; every signed head in --heads (a mirrored head log, a saved signed head
// or transcript, or a list of them) for this session lies on the chain.
// Deliberately self-contained (node:crypto + canonicalize), so it can be read in one sitting.
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';

const GENESIS = '0'.repeat(64);
const args = process.argv.slice(2);
/** @param {string} name */
const option = (name) => {
	const at = args.indexOf(name);
	return at >= 0 ? args[at + 1] : undefined;
};
const valued = new Set(['--head', '--heads', '--key', '--origin']);
const file = args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? ''));
const publishedHead = option('--head');
const headsFile = option('--heads');
let publicKey = option('--key');

/** @param {number} seq @param {string} reason @returns {never} */
function fail(seq, reason) {
	console.error(`transcript broken at seq ${seq}: ${reason}`);
	process.exit(1);
}
/** @param {string} message @returns {never} */
function unusable(message) {
	console.error(message);
	process.exit(2);
}
/** @param {string} path */
function readJson(path) {
	try {
		return JSON.parse(readFileSync(path, 'utf8'));
	} catch (error) {
		return unusable(`cannot read ${path}: ${error instanceof Error ? error.message : error}`);
	}
}
/** @param {string} text */
const sha256 = (text) => createHash('sha256').update(text, 'utf8').digest('hex');

if (!file) {
	unusable(
		'usage: npm run verify -- <transcript.json> [--head <hash>] [--heads <file>] [--key <base64>] [--origin <url>]'
	);
}
const doc = readJson(file);
const entries = Array.isArray(doc) ? doc : doc.entries;
if (!Array.isArray(entries)) fail(1, 'no "entries" array');

let prev = GENESIS;
entries.forEach((/** @type {any} */ e, /** @type {number} */ i) => {
	const seq = i + 1;
	if (!e || typeof e !== 'object') fail(seq, 'not an object');
	if (e.seq !== seq) fail(seq, `expected seq ${seq}, found ${JSON.stringify(e.seq)}`);
	if (e.prevHash !== prev) fail(seq, 'prevHash does not match the previous entry');
	const body = canonicalize({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, data: e.data });
	const hash = sha256(prev + body);
	if (e.hash !== hash) fail(seq, 'hash does not match the entry');
	// Words beside the entry must be the ones its data committed to (unless hidden).
	const commitment = e.data && typeof e.data === 'object' ? e.data.textCommitment : undefined;
	const content = e.content;
	if (commitment !== undefined && content && typeof content.text === 'string') {
		const opened = sha256(canonicalize({ salt: content.salt, text: content.text }) ?? '');
		if (opened !== commitment) fail(seq, 'the text beside the entry is not the one committed to');
	}
	prev = hash;
});
if (!Array.isArray(doc) && doc.head !== undefined && doc.head !== prev) {
	fail(entries.length + 1, 'the file\'s "head" is not the hash of its last entry');
}
if (publishedHead !== undefined && publishedHead !== prev) {
	fail(entries.length + 1, 'the chain does not end at the published head');
}

// Entry 1 binds the session (transcripts written before it did carry no sessionId there).
const bound = entries[0]?.data?.sessionId;
const sessionId = (!Array.isArray(doc) && doc.sessionId) || bound;
if (bound !== undefined && sessionId !== bound) {
	fail(1, `entry 1 belongs to session ${bound}, not ${sessionId}`);
}
if (entries.length && bound === undefined) {
	console.error('note: entry 1 does not name its session (written before sessions were bound)');
}

/**
 * Where the chain contradicts a signed head, or null.
 * @param {any} h
 */
function contradiction(h) {
	if (!h || typeof h !== 'object' || typeof h.seq !== 'number') return 'not a signed head';
	if (sessionId !== undefined && h.sessionId !== sessionId) return null;
	if (h.seq === 0) return null;
	const entry = entries[h.seq - 1];
	if (!entry) return `the transcript ends at seq ${entries.length}, before the signed seq ${h.seq}`;
	if (entry.hash !== h.head) return `entry ${h.seq} is not the one that was signed`;
	return null;
}

/** @param {any} h @param {string} key */
function signedBy(h, key) {
	try {
		const message = canonicalize({ sessionId: h.sessionId, seq: h.seq, head: h.head, at: h.at });
		const x = Buffer.from(key, 'base64').toString('base64url');
		const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
		return verify(
			null,
			Buffer.from(message ?? '', 'utf8'),
			pub,
			Buffer.from(h.signature, 'base64')
		);
	} catch {
		return false;
	}
}

const signedHead = Array.isArray(doc) ? undefined : doc.signedHead;
if (signedHead) {
	const givenOrigin = option('--origin');
	const origin = givenOrigin ?? (typeof doc.origin === 'string' ? doc.origin : undefined);
	if (!publicKey && origin) {
		try {
			const answer = await fetch(new URL('/api/v1/transparency/key', origin), {
				signal: AbortSignal.timeout(10_000)
			});
			const key = (await answer.json()).publicKey;
			if (typeof key !== 'string') throw new Error(`HTTP ${answer.status}, no publicKey`);
			publicKey = key;
		} catch (error) {
			const why = `cannot fetch the key from ${origin}: ${error instanceof Error ? error.message : error}`;
			// REFERENCE.md §4: the chain is checked offline. Only a key source the caller named is a
			// reason to stop; the origin a saved file mentions may simply be out of reach.
			if (givenOrigin) unusable(why);
			console.error(`note: ${why}`);
		}
	}
	if (signedHead.sessionId !== sessionId) {
		fail(1, `the signed head is for session ${signedHead.sessionId}, not ${sessionId}`);
	}
	if (publicKey) {
		if (!signedBy(signedHead, publicKey))
			fail(signedHead.seq, "the signed head's signature is not valid for the key");
	} else {
		console.error(
			'note: signedHead not checked against a key (pass --key <base64> or --origin <url>)'
		);
	}
	const wrong = contradiction(signedHead);
	if (wrong) fail(signedHead.seq, `contradicts its own signed head: ${wrong}`);
}

if (headsFile) {
	const given = readJson(headsFile);
	/** @type {any[]} */
	let heads;
	if (Array.isArray(given)) heads = given;
	else if (Array.isArray(given?.entries) && given.entries[0]?.signature !== undefined) {
		heads = given.entries; // a mirrored head log: check its own chain first
		let logPrev = GENESIS;
		for (const [i, h] of heads.entries()) {
			const n = i + 1 + (heads[0].n - 1);
			const body = canonicalize({
				n: h.n,
				sessionId: h.sessionId,
				seq: h.seq,
				head: h.head,
				at: h.at,
				signature: h.signature
			});
			if (i > 0 || h.prevHash === GENESIS) {
				if (h.prevHash !== logPrev) unusable(`head log broken at n ${n}: prevHash does not match`);
			}
			if (h.hash !== sha256(h.prevHash + body))
				unusable(`head log broken at n ${n}: hash does not match`);
			logPrev = h.hash;
		}
	} else if (given?.signedHead) heads = [given.signedHead];
	else heads = [given];
	for (const h of heads) {
		if (publicKey && !signedBy(h, publicKey)) {
			console.error(`note: ignored a head with a bad signature (${h?.n ?? h?.seq})`);
			continue;
		}
		const wrong = contradiction(h);
		if (wrong) {
			const name = h.n !== undefined ? `n ${h.n}` : `seq ${h.seq}`;
			console.error(
				`transcript contradicts signed head ${name} (session ${h.sessionId}, seq ${h.seq}, signed at ${h.at}): ${wrong}`
			);
			process.exit(1);
		}
	}
}
console.log(prev);
