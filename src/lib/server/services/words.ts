/**
 * People's words beside the chain (src/lib/protocol/REFERENCE.md, additions to §8): a
 * transcript entry carries `textCommitment`; the text and its salt live in `record_texts`, and
 * the transcript answer returns them as `content` next to the entry — or, once a moderator hid
 * them, the reason in their place. Hiding and erasing never touch the chain, so it still
 * verifies from entry 1.
 */
import type { EntryContent } from '$lib/protocol/trust';
import type { Db } from '../db/client';
import * as wordsDb from '../db/words';
import { commitText, newSalt } from '../domain/commitments';
import type { Actor, Entry, Json } from '../domain/transcript';
import { record } from './transcript';
import * as searchIndex from './search-index';

/** Whose words: a statement, minutes, a comment — or an opinion quoted as a project's item. */
export type WordsKind = 'statement' | 'minutes' | 'comment' | 'opinion';

/** Records an entry whose words are committed to in `data.textCommitment` and kept beside it. */
export async function recordWords(
	db: Db,
	sessionId: string,
	type: 'statement' | 'minutes' | 'comment_added' | 'session_created',
	actor: Actor,
	data: Record<string, Json>,
	words: { kind: WordsKind; id: string; authorId: string | null; text: string },
	at?: Date
): Promise<Entry> {
	const salt = newSalt();
	const entry = await record(
		db,
		sessionId,
		type,
		actor,
		{ ...data, textCommitment: commitText(salt, words.text) } as never,
		at
	);
	await wordsDb.insertText(db, {
		id: words.id,
		kind: words.kind,
		sessionId,
		seq: entry.seq,
		authorId: words.authorId,
		text: words.text,
		salt
	});
	// The words are not in the chain, so the search index takes them from here (same transaction).
	await searchIndex.fromEntry(
		db,
		sessionId,
		type,
		{ ...data, text: words.text },
		at ?? new Date(entry.at)
	);
	return entry;
}

export interface HiddenMark {
	reason: string;
}

/** Hidden marks of these ids of one kind (id → reason). */
export async function hiddenOf(
	db: Db,
	kind: string,
	ids: readonly string[]
): Promise<Map<string, HiddenMark>> {
	if (ids.length === 0) return new Map();
	const rows = await wordsDb.hiddenAmong(db, kind, ids);
	return new Map(rows.map((r) => [r.id, { reason: r.reason }]));
}

const HIDE_KIND: Record<string, string> = {
	statement: 'statement',
	minutes: 'minutes',
	comment: 'comment'
};

/**
 * Each entry with the words beside it (`content`), as a reader may see them: `staff` (the
 * community's moderators and clerks) see hidden words too, marked hidden.
 */
export async function withContent<E extends Pick<Entry, 'seq' | 'data'>>(
	db: Db,
	sessionId: string,
	entries: readonly E[],
	staff: boolean
): Promise<(E & { content?: EntryContent })[]> {
	if (!entries.some((e) => hasCommitment(e.data))) return [...entries];
	const rows = await wordsDb.textsOfSession(db, sessionId);
	const bySeq = new Map(rows.map((r) => [r.seq, r]));
	const hidden = new Map<string, HiddenMark>();
	for (const kind of new Set(rows.map((r) => r.kind))) {
		const ids = rows.filter((r) => r.kind === kind).map((r) => r.id);
		for (const [id, mark] of await hiddenOf(db, HIDE_KIND[kind] ?? kind, ids))
			hidden.set(`${kind}:${id}`, mark);
	}
	return entries.map((e) => {
		if (!hasCommitment(e.data)) return e;
		const row = bySeq.get(e.seq);
		if (!row) return e;
		const mark = hidden.get(`${row.kind}:${row.id}`);
		if (!mark) return { ...e, content: { text: row.text, salt: row.salt } };
		const content: EntryContent = staff
			? { text: row.text, salt: row.salt, hidden: true, reason: mark.reason }
			: { hidden: true, reason: mark.reason };
		return { ...e, content };
	});
}

const hasCommitment = (data: unknown): boolean =>
	typeof data === 'object' && data !== null && 'textCommitment' in data;

/**
 * For readers that show words (archive, street pages, digest): `data.text` filled from the
 * content beside the entry, or the hidden marker; the chain's own fields are not for hashing
 * any more once passed through here.
 */
export function readable<E extends { data: unknown; content?: EntryContent }>(e: E): E {
	if (!e.content) return e;
	const data = (e.data ?? {}) as Record<string, unknown>;
	const text = 'text' in e.content ? e.content.text : '';
	const hidden = e.content.hidden ? { hidden: true, hiddenReason: e.content.reason ?? '' } : {};
	return {
		...e,
		data: { ...data, text: e.content.hidden && !('text' in e.content) ? '' : text, ...hidden }
	};
}

/**
 * Statements and minutes of these sessions whose words match `pattern` (ILIKE), hidden and
 * erased ones left out: search reads words from beside the chain, not from `data`.
 */
export async function searchWords(
	db: Db,
	sessionIds: readonly string[],
	pattern: string,
	limit: number
) {
	if (sessionIds.length === 0) return [];
	return wordsDb.searchVisible(db, sessionIds, pattern, limit);
}
