#!/usr/bin/env node
// Re-walks an exported transcript offline (REFERENCE.md §4):
//   npm run verify -- <transcript.json> [--head <hash published earlier>]
// Exit 0 and the head printed when the chain holds; exit 1 naming the first bad seq otherwise.
// Deliberately self-contained (node:crypto + canonicalize), so it can be read in one sitting.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';

const GENESIS = '0'.repeat(64);
const args = process.argv.slice(2);
const headAt = args.indexOf('--head');
const publishedHead = headAt >= 0 ? args[headAt + 1] : undefined;
const file = args.find((a, i) => !a.startsWith('--') && (headAt < 0 || i !== headAt + 1));

/** @param {number} seq @param {string} reason @returns {never} */
function fail(seq, reason) {
	console.error(`transcript broken at seq ${seq}: ${reason}`);
	process.exit(1);
}

if (!file) {
	console.error('usage: npm run verify -- <transcript.json> [--head <hash>]');
	process.exit(2);
}
let doc;
try {
	doc = JSON.parse(readFileSync(file, 'utf8'));
} catch (error) {
	console.error(`cannot read ${file}: ${error instanceof Error ? error.message : error}`);
	process.exit(2);
}
const entries = Array.isArray(doc) ? doc : doc.entries;
if (!Array.isArray(entries)) fail(1, 'no "entries" array');

let prev = GENESIS;
entries.forEach((/** @type {any} */ e, /** @type {number} */ i) => {
	const seq = i + 1;
	if (!e || typeof e !== 'object') fail(seq, 'not an object');
	if (e.seq !== seq) fail(seq, `expected seq ${seq}, found ${JSON.stringify(e.seq)}`);
	if (e.prevHash !== prev) fail(seq, 'prevHash does not match the previous entry');
	const body = canonicalize({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, data: e.data });
	const hash = createHash('sha256')
		.update(prev + body, 'utf8')
		.digest('hex');
	if (e.hash !== hash) fail(seq, 'hash does not match the entry');
	prev = hash;
});
if (!Array.isArray(doc) && doc.head !== undefined && doc.head !== prev) {
	fail(entries.length + 1, 'the file\'s "head" is not the hash of its last entry');
}
if (publishedHead !== undefined && publishedHead !== prev) {
	fail(entries.length + 1, 'the chain does not end at the published head');
}
console.log(prev);
