/**
 * Whether a proposal changed since the server rendered it, without Yjs in the browser.
 *
 * The room's first paint carries the proposal rendered on the server, the document's state
 * vector at that moment, and the update a sync from that vector answers while nothing has
 * changed: no new items, only the document's deletions (Yjs sends its whole delete set with
 * every diff; https://docs.yjs.dev/api/document-updates#update-api). A reader asks the server
 * for the diff from that vector (y-websocket sync step 1, src/lib/protocol/REFERENCE.md §3)
 * and compares: the same deletions and no items means the page already shows the text, and
 * Yjs (about 30 KB gzipped) is downloaded only once the proposal really changes.
 *
 * Updates are Yjs' format v1 (what `Y.encodeStateAsUpdate` writes): a varuint count of
 * clients with new items, then the delete set — a count of clients and, for each, its id and
 * its ranges as (clock, length) varuints.
 */

/** Ranges deleted per client, sorted and merged: two encodings of one set compare equal. */
export type DeleteSet = Map<number, [number, number][]>;

class Reader {
	#at = 0;
	constructor(private readonly bytes: Uint8Array) {}

	/** lib0's varuint: 7 bits a byte, least significant first (lib0/decoding.js). */
	uint(): number {
		let value = 0;
		let scale = 1;
		for (;;) {
			if (this.#at >= this.bytes.length) throw new RangeError('update ends early');
			const byte = this.bytes[this.#at++]!;
			value += (byte & 0x7f) * scale;
			if (byte < 0x80) return value;
			scale *= 128;
			if (scale > 2 ** 53) throw new RangeError('varuint too large');
		}
	}

	get done(): boolean {
		return this.#at >= this.bytes.length;
	}
}

/**
 * The delete set of an update that carries no new items, or null when it carries some (or is
 * not an update this reads): the proposal then changed.
 */
export function deletionsOnly(update: Uint8Array): DeleteSet | null {
	try {
		const reader = new Reader(update);
		if (reader.uint() !== 0) return null;
		const set: DeleteSet = new Map();
		const clients = reader.uint();
		for (let i = 0; i < clients; i++) {
			const client = reader.uint();
			const ranges = set.get(client) ?? [];
			const count = reader.uint();
			for (let j = 0; j < count; j++) ranges.push([reader.uint(), reader.uint()]);
			set.set(client, ranges);
		}
		if (!reader.done) return null;
		for (const [client, ranges] of set) set.set(client, merged(ranges));
		return set;
	} catch {
		return null;
	}
}

function merged(ranges: [number, number][]): [number, number][] {
	const sorted = ranges.filter(([, len]) => len > 0).sort((a, b) => a[0] - b[0]);
	const out: [number, number][] = [];
	for (const [clock, len] of sorted) {
		// Not `.at(-1)`: Safari 14 and Chrome 87 lack it (src/lib/server/ARCHITECTURE.md, browsers).
		const last = out[out.length - 1];
		if (last && clock <= last[0] + last[1]) last[1] = Math.max(last[1], clock + len - last[0]);
		else out.push([clock, len]);
	}
	return out;
}

/**
 * True when `received` (the server's answer to the rendered state vector) brings nothing the
 * rendered page lacks compared with `rendered` (the answer computed when it was rendered).
 */
export function unchangedSince(rendered: Uint8Array, received: Uint8Array): boolean {
	const before = deletionsOnly(rendered);
	const now = deletionsOnly(received);
	if (!before || !now) return false;
	const clients = new Set([...before.keys(), ...now.keys()]);
	for (const client of clients) {
		const a = before.get(client) ?? [];
		const b = now.get(client) ?? [];
		if (a.length !== b.length) return false;
		for (let i = 0; i < a.length; i++) {
			if (a[i]![0] !== b[i]![0] || a[i]![1] !== b[i]![1]) return false;
		}
	}
	return true;
}

/** Bytes to and from the page's data (base64, as devalue carries strings). */
export const toBase64 = (bytes: Uint8Array): string => {
	let text = '';
	for (const byte of bytes) text += String.fromCharCode(byte);
	return btoa(text);
};
export const fromBase64 = (text: string): Uint8Array =>
	Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
