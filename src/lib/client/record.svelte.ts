import { untrack } from 'svelte';
import { readable } from '$lib/transcript-words';
import type { LiveSession } from './live-session.svelte';
import { keepSignedHead } from './receipts';
import { ROLES, type Role } from '$lib/protocol';

/** One statement or one piece of minutes, as the room and the console list them. */
export interface RecordEntry {
	seq: number;
	at: string;
	kind: 'statement' | 'minutes';
	author: { id: string; name: string; role: Role | null };
	text: string;
	/** Minutes only: whom the clerk summarised (free text), or null. */
	speaker: string | null;
}

export type PostResult = { ok: true } | { ok: false; error: string };

/** The server's limits (protocol/disclosure.ts); checked here too so a long text stays put. */
export const STATEMENT_MAX = 2000;
export const MINUTES_MAX = 10_000;
export const SPEAKER_MAX = 100;

const seg = encodeURIComponent;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null;
}

function roleOf(value: unknown): Role | null {
	return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
		? (value as Role)
		: null;
}

/** Keeps statements and minutes of a transcript answer; anything malformed is left out. */
export function toRecordEntries(payload: unknown): RecordEntry[] {
	const list = isRecord(payload) && Array.isArray(payload.entries) ? payload.entries : [];
	const out: RecordEntry[] = [];
	for (const raw of list as unknown[]) {
		if (!isRecord(raw) || (raw.type !== 'statement' && raw.type !== 'minutes')) continue;
		// Words sit beside the entry (`content`) since they are committed to, not stored, in it.
		const data = isRecord(raw.data)
			? readable({ data: raw.data, content: contentOf(raw) }).data
			: {};
		const actor = isRecord(raw.actor) ? raw.actor : {};
		if (typeof data.text !== 'string' || typeof raw.seq !== 'number') continue;
		out.push({
			seq: raw.seq,
			at: typeof raw.at === 'string' ? raw.at : '',
			kind: raw.type,
			author: {
				id: typeof actor.id === 'string' ? actor.id : '',
				name: typeof actor.name === 'string' ? actor.name : '',
				role: roleOf(actor.role)
			},
			text: data.text,
			speaker: typeof data.speaker === 'string' && data.speaker !== '' ? data.speaker : null
		});
	}
	return out.sort((a, b) => a.seq - b.seq);
}

function contentOf(raw: Record<string, unknown>) {
	return isRecord(raw.content) ? (raw.content as { text?: string; reason?: string }) : undefined;
}

async function errorCode(response: Response): Promise<string> {
	const body = (await response.json().catch(() => null)) as { error?: { code?: unknown } } | null;
	const code = body?.error?.code;
	return typeof code === 'string' ? code : `http_${response.status}`;
}

/**
 * Where an answer's entries start and end in the chain, and whether they hide earlier words
 * (`text_hidden`), which a tail read cannot show by appending.
 */
function chainOf(payload: unknown): {
	prevHash: string;
	seq: number;
	hash: string;
	hides: boolean;
} {
	const list = isRecord(payload) && Array.isArray(payload.entries) ? payload.entries : [];
	const entries = (list as unknown[]).filter(isRecord);
	const first = entries[0];
	const last = entries.at(-1);
	return {
		prevHash: first && typeof first.prevHash === 'string' ? first.prevHash : '',
		seq: last && typeof last.seq === 'number' ? last.seq : 0,
		hash: last && typeof last.hash === 'string' ? last.hash : '',
		hides: entries.some((e) => e.type === 'text_hidden')
	};
}

/**
 * The statements and minutes of one session (REFERENCE.md §4), read from its transcript. The page
 * calls `refresh()` whenever the live head moves; after the first read only the tail past the
 * newest entry held is fetched (`?after=<seq>`), so a long cloud session costs each phone its new
 * entries, not the whole record per move. Only the answer to the latest call is kept.
 */
export class SessionRecord {
	/** Statements and minutes, oldest first (newest last). */
	entries = $state.raw<RecordEntry[]>([]);
	/** The error code of the latest failed refresh; null once one succeeded. */
	error = $state.raw<string | null>(null);
	/** True once a refresh answered successfully. */
	loaded = $state(false);

	readonly sessionId: string;
	#latest = 0;
	/** The newest entry read (any type): the next read asks only for what follows it. */
	#seq = 0;
	#hash = '';
	#inFlight: Promise<void> | null = null;
	#again = false;

	constructor(sessionId: string) {
		this.sessionId = sessionId;
	}

	get #base() {
		return `/api/v1/sessions/${seg(this.sessionId)}`;
	}

	/**
	 * Reads the record again. One request at a time, and one more after it if the head moved
	 * meanwhile: a burst of entries (a clerk entering 150 paper ballots) costs each phone a few
	 * requests, not one full transcript per entry. The promise settles after a read that began
	 * after the call, so a caller sees what it just wrote.
	 */
	refresh(): Promise<void> {
		if (this.#inFlight) {
			this.#again = true;
			return this.#inFlight;
		}
		const run = async () => {
			try {
				do {
					this.#again = false;
					await this.#readOnce();
				} while (this.#again);
			} finally {
				// In the same turn as the last check: a call after it starts a new read.
				this.#inFlight = null;
			}
		};
		this.#inFlight = run();
		return this.#inFlight;
	}

	async #readOnce(): Promise<void> {
		const ticket = ++this.#latest;
		try {
			const tail = this.#seq > 0;
			const url = `${this.#base}/transcript${tail ? `?after=${this.#seq}` : ''}`;
			const response = await fetch(url, {
				headers: { accept: 'application/json' },
				credentials: 'same-origin'
			});
			if (ticket !== this.#latest) return;
			if (!response.ok) {
				this.error = await errorCode(response);
				return;
			}
			const payload: unknown = await response.json();
			if (ticket !== this.#latest) return;
			const chained = chainOf(payload);
			// A tail that does not continue what we hold (or hides words we already show) is read
			// again from entry 1: correctness first, the tail read is only the common case.
			const continues = chained.seq === 0 || chained.prevHash === this.#hash;
			if (tail && (!continues || chained.hides)) {
				this.#seq = 0;
				this.#hash = '';
				return await this.#readOnce();
			}
			const fresh = toRecordEntries(payload);
			this.entries = tail ? [...this.entries, ...fresh] : fresh;
			if (chained.seq > this.#seq) {
				this.#seq = chained.seq;
				this.#hash = chained.hash;
			}
			this.error = null;
			this.loaded = true;
		} catch {
			if (ticket === this.#latest) this.error = 'network';
		}
	}

	async postStatement(text: string): Promise<PostResult> {
		const posted = await this.#post('statements', { text });
		// Someone who spoke keeps the signed head of the record they spoke into.
		if (posted.ok) void keepSignedHead(this.sessionId);
		return posted;
	}

	postMinutes(text: string, speaker?: string): Promise<PostResult> {
		const who = speaker?.trim();
		return this.#post('minutes', who ? { text, speaker: who } : { text });
	}

	async #post(path: string, json: unknown): Promise<PostResult> {
		try {
			const response = await fetch(`${this.#base}/${path}`, {
				method: 'POST',
				headers: { accept: 'application/json', 'content-type': 'application/json' },
				body: JSON.stringify(json),
				credentials: 'same-origin'
			});
			if (!response.ok) return { ok: false, error: await errorCode(response) };
			// The head event will refresh too; asking now shows one's own words at once.
			void this.refresh();
			return { ok: true };
		} catch {
			return { ok: false, error: 'network' };
		}
	}
}

/**
 * The statements and minutes of a live session, read again whenever the live transcript head
 * moves (REFERENCE.md §4). The room and the console show the record; the projector does not.
 */
export class LiveRecord {
	/** One record per session id, like the socket. */
	current: SessionRecord;

	constructor(live: LiveSession) {
		this.current = $derived(new SessionRecord(live.id()));
		// A number, so presence updates (a new snapshot, the same head) do not read the record.
		const headSeq = $derived(live.state?.transcriptHead.seq ?? null);
		$effect(() => {
			const record = this.current;
			if (headSeq === null) return;
			untrack(() => void record.refresh());
		});
	}
}
