/**
 * Search over everything public (REFERENCE.md §11): sessions, items, proposals, statements,
 * minutes and comments of closed sessions, opinions, projects and the street's answers. The
 * index (`search_documents`, see search-index.ts) holds Chinese words, characters and
 * character bigrams as tsvector lexemes under a GIN index; results are ranked with `ts_rank`
 * (title words weigh more) and carry a snippet around the words found.
 */
import {
	SEARCH_KINDS,
	SEARCH_PAGE_MAX,
	SEARCH_RANKED_MAX,
	type SearchKind,
	type SearchPageView,
	type SearchResultView
} from '$lib/protocol';
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
	/** Page size, 1–`SEARCH_PAGE_MAX` (default the maximum), as typed in the query string. */
	limit?: string | number | null;
	/** Results to skip; pages reach as far as the `SEARCH_RANKED_MAX` ranked matches. */
	offset?: string | number | null;
}

const invalid = (message: string) => new ServiceError(400, 'invalid_payload', message);

function dateOf(name: string, raw: string | null | undefined): Date | null {
	if (!raw) return null;
	const d = new Date(raw);
	if (Number.isNaN(d.getTime())) throw invalid(`${name}: not a date`);
	return d;
}

function intOf(name: string, raw: string | number | null | undefined, min: number, max: number) {
	if (raw === null || raw === undefined || raw === '') return null;
	const n = typeof raw === 'number' ? raw : /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
	if (!Number.isInteger(n) || n < min || n > max)
		throw invalid(`${name}: a whole number ${min}–${max}`);
	return n;
}

/** One page of results, best first, and the offset of the next page. */
export async function searchPage(
	ctx: Ctx,
	raw: string | null,
	filters: SearchFilters = {}
): Promise<SearchPageView> {
	const q = (raw ?? '').trim();
	// The community id reaches the store too: a NUL in it would be the store's error, a 500.
	requireGoodInput({ q, communityId: filters.communityId });
	if (q.length < 1 || q.length > 100) throw invalid('q: 1–100 characters');
	const kind = filters.kind || null;
	if (kind && !(SEARCH_KINDS as readonly string[]).includes(kind))
		throw invalid(`kind: one of ${SEARCH_KINDS.join(', ')}`);
	const from = dateOf('from', filters.from);
	const to = dateOf('to', filters.to);
	const limit = intOf('limit', filters.limit, 1, SEARCH_PAGE_MAX) ?? SEARCH_PAGE_MAX;
	const offset = intOf('offset', filters.offset, 0, SEARCH_RANKED_MAX - 1) ?? 0;
	const parsed = parseQuery(q);
	if (!parsed.tsquery) return { results: [], nextOffset: null };

	// One row more than the page tells whether another page follows.
	const rows = await searchDb.query(
		ctx.db,
		parsed.tsquery,
		{ communityId: filters.communityId, kind, from, to },
		{ limit: limit + 1, offset, ranked: SEARCH_RANKED_MAX }
	);
	const more = rows.length > limit;
	// Snippets only for the rows shown.
	const results = rows.slice(0, limit).map((r): SearchResult => {
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
	return { results, nextOffset: more ? offset + limit : null };
}

/** The first page's results (callers that show one page). */
export async function search(
	ctx: Ctx,
	raw: string | null,
	filters: SearchFilters = {}
): Promise<SearchResult[]> {
	return (await searchPage(ctx, raw, filters)).results;
}
