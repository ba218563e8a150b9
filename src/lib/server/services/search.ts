/**
 * Search over everything public (REFERENCE.md §11): sessions, items, proposals, statements,
 * minutes and comments of closed sessions, opinions, projects and the street's answers. The
 * index (`search_documents`, see search-index.ts) holds Chinese words, characters and
 * character bigrams as tsvector lexemes under a GIN index; results are ranked with `ts_rank`
 * (title words weigh more) and carry a snippet around the words found.
 */
import { SEARCH_KINDS, type SearchKind, type SearchResultView } from '$lib/protocol';
import * as searchDb from '../db/search';
import { makeSnippet, parseQuery } from '../domain/search-tokens';
import type { Ctx } from './context';
import { requireGoodInput, ServiceError } from './errors';

export type SearchResult = SearchResultView;

export interface SearchFilters {
	communityId?: string | null;
	kind?: string | null;
	/** ISO dates (inclusive from, exclusive to). */
	from?: string | null;
	to?: string | null;
	limit?: number;
}

const invalid = (message: string) => new ServiceError(400, 'invalid_payload', message);

function dateOf(name: string, raw: string | null | undefined): Date | null {
	if (!raw) return null;
	const d = new Date(raw);
	if (Number.isNaN(d.getTime())) throw invalid(`${name}: not a date`);
	return d;
}

export async function search(
	ctx: Ctx,
	raw: string | null,
	filters: SearchFilters = {}
): Promise<SearchResult[]> {
	const q = (raw ?? '').trim();
	requireGoodInput({ q });
	if (q.length < 1 || q.length > 100) throw invalid('q: 1–100 characters');
	const kind = filters.kind || null;
	if (kind && !(SEARCH_KINDS as readonly string[]).includes(kind))
		throw invalid(`kind: one of ${SEARCH_KINDS.join(', ')}`);
	const from = dateOf('from', filters.from);
	const to = dateOf('to', filters.to);
	const limit = Math.min(100, Math.max(1, filters.limit ?? 50));
	const parsed = parseQuery(q);
	if (!parsed.tsquery) return [];

	const rows = await searchDb.query(
		ctx.db,
		parsed.tsquery,
		{ communityId: filters.communityId, kind, from, to },
		limit
	);
	return rows.map((r) => {
		const inBody = parsed.terms.some((t) => r.body.toLowerCase().includes(t));
		const text = inBody ? r.body : `${r.title} ${r.body}`.trim();
		const { snippet, highlights } = makeSnippet(text, parsed.terms);
		return {
			kind: r.kind as SearchKind,
			title: r.title,
			snippet,
			highlights,
			url: r.url,
			...(r.session_id ? { sessionId: r.session_id } : {}),
			...(r.item_id ? { itemId: r.item_id } : {}),
			...(r.community_id ? { communityId: r.community_id } : {}),
			at: new Date(r.at).toISOString(),
			rank: Number(r.rank)
		};
	});
}
