/**
 * The search index (`search_documents`): one row per public text, written in the same
 * transaction as the change that creates or changes the text, so search never shows a text
 * that was rolled back and never misses one that committed. Session texts are indexed when
 * they are written and become searchable when their session closes (a join on its status);
 * opinions, projects and answers are public at once.
 */
import type { SearchKind } from '$lib/protocol';
import type { Db } from '../db/client';
import * as searchDb from '../db/search';
import type { Json } from '../domain/transcript';

export interface IndexedText {
	kind: SearchKind;
	refId: string;
	communityId: string | null;
	sessionId?: string | null;
	itemId?: string | null;
	public: boolean;
	title: string;
	body: string;
	url: string;
	at: Date;
}

/**
 * Texts whose title is only their context (the item a statement was made under, the item a
 * proposal belongs to, which has its own row): the title is
 * shown but not indexed, so a statement does not outrank the item it merely mentions.
 */
const CONTEXT_TITLE = new Set<SearchKind>(['statement', 'minutes', 'comment', 'proposal']);
const indexedTitle = (kind: SearchKind, title: string) => (CONTEXT_TITLE.has(kind) ? '' : title);

const docId = (kind: string, refId: string) => `${kind}:${refId}`;

/** Writes (or rewrites) one text in the caller's transaction. */
export function put(db: Db, t: IndexedText): Promise<void> {
	return searchDb.put(db, {
		id: docId(t.kind, t.refId),
		kind: t.kind,
		refId: t.refId,
		communityId: t.communityId,
		sessionId: t.sessionId ?? null,
		itemId: t.itemId ?? null,
		public: t.public,
		title: t.title,
		indexedTitle: indexedTitle(t.kind, t.title),
		body: t.body,
		url: t.url,
		at: t.at
	});
}

/**
 * Replaces a text's words in the index (moderation: `null` removes the text from search
 * altogether; a string, e.g. the reason shown in its place, is indexed instead). For the
 * trust area's hiding of statements, comments and opinions.
 */
export async function replaceText(
	db: Db,
	kind: SearchKind,
	refId: string,
	text: string | null
): Promise<void> {
	if (text === null) return searchDb.remove(db, docId(kind, refId));
	return searchDb.replaceBody(db, docId(kind, refId), text, (title) => indexedTitle(kind, title));
}

const str = (v: Json | undefined): string | null => (typeof v === 'string' ? v : null);

const INDEXED = new Set([
	'session_created',
	'statement',
	'minutes',
	'proposal_checkpoint',
	'comment_added',
	'escalation_answered'
]);

/** Indexes what a transcript entry adds to the public record (called by `record`). */
export async function fromEntry(
	db: Db,
	sessionId: string,
	type: string,
	data: Record<string, Json>,
	at: Date
): Promise<void> {
	if (!INDEXED.has(type)) return;
	const session = await searchDb.sessionOf(db, sessionId);
	if (!session) return;
	const base = { communityId: session.communityId, sessionId, public: false, at };
	const url = `/archive/s/${sessionId}`;
	const itemId = str(data.itemId);
	switch (type) {
		case 'session_created': {
			await put(db, {
				...base,
				kind: 'session',
				refId: sessionId,
				title: session.title,
				body: '',
				url
			});
			for (const raw of Array.isArray(data.items) ? data.items : []) {
				const item = raw as { id?: Json; title?: Json; body?: Json };
				const id = str(item.id);
				if (!id) continue;
				await put(db, {
					...base,
					kind: 'item',
					refId: id,
					itemId: id,
					title: str(item.title) ?? '',
					body: str(item.body) ?? '',
					url: `${url}#item-${id}`
				});
			}
			return;
		}
		case 'statement':
		case 'minutes': {
			const id = str(data.id);
			if (!id) return;
			await put(db, {
				...base,
				kind: type,
				refId: id,
				itemId,
				title: (await searchDb.itemTitle(db, itemId)) ?? session.title,
				body: str(data.text) ?? '',
				url
			});
			return;
		}
		case 'proposal_checkpoint': {
			if (!itemId) return;
			await put(db, {
				...base,
				kind: 'proposal',
				refId: itemId,
				itemId,
				title: str(data.title) ?? session.title,
				body: str(data.text) ?? '',
				url: `${url}#item-${itemId}`
			});
			return;
		}
		case 'comment_added': {
			const id = str(data.commentId);
			if (!id) return;
			await put(db, {
				...base,
				kind: 'comment',
				refId: id,
				itemId,
				title: (await searchDb.itemTitle(db, itemId)) ?? session.title,
				body: str(data.text) ?? '',
				url: itemId ? `${url}#item-${itemId}` : url
			});
			return;
		}
		case 'escalation_answered': {
			const id = str(data.escalationId);
			if (!id) return;
			await put(db, {
				...base,
				public: true,
				kind: 'answer',
				refId: id,
				itemId,
				title: (await searchDb.itemTitle(db, itemId)) ?? session.title,
				body: str(data.answer) ?? '',
				url
			});
			return;
		}
	}
}
