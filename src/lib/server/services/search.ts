/**
 * Search over everything public (REFERENCE.md §11): sessions, items, proposals, statements,
 * minutes and comments of closed sessions, opinions, projects and the street's answers. The
 * index (`search_documents`, see search-index.ts) holds Chinese words, characters and
 * character bigrams as tsvector lexemes under a GIN index; results are ranked with `ts_rank`
 * (title words weigh more) and carry a snippet around the words found.
 */
import { sql, type SQL } from 'drizzle-orm';
import { SEARCH_KINDS, type SearchKind, type SearchResultView } from '$lib/protocol';
import { makeSnippet, parseQuery } from '../domain/search-tokens';
import type { Ctx } from './context';
import { ServiceError } from './errors';

export type SearchResult = SearchResultView;

export interface SearchFilters {
	communityId?: string | null;
	kind?: string | null;
	/** ISO dates (inclusive from, exclusive to). */
	from?: string | null;
	to?: string | null;
	limit?: number;
}

interface Row {
	kind: SearchKind;
	title: string;
	body: string;
	url: string;
	session_id: string | null;
	item_id: string | null;
	community_id: string | null;
	at: string | Date;
	rank: number | string;
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
	if (q.length < 1 || q.length > 100) throw invalid('q: 1–100 characters');
	const kind = filters.kind || null;
	if (kind && !(SEARCH_KINDS as readonly string[]).includes(kind))
		throw invalid(`kind: one of ${SEARCH_KINDS.join(', ')}`);
	const from = dateOf('from', filters.from);
	const to = dateOf('to', filters.to);
	const limit = Math.min(100, Math.max(1, filters.limit ?? 50));
	const parsed = parseQuery(q);
	if (!parsed.tsquery) return [];

	const where: SQL[] = [sql`d.tsv @@ query.q`, sql`(d.public or s.status = 'closed')`];
	if (filters.communityId) where.push(sql`d.community_id = ${filters.communityId}`);
	if (kind) where.push(sql`d.kind = ${kind}`);
	if (from) where.push(sql`d.at >= ${from.toISOString()}`);
	if (to) where.push(sql`d.at < ${to.toISOString()}`);
	const result = await ctx.db.execute(sql`
		select d.kind, d.title, d.body, d.url, d.session_id, d.item_id, d.community_id, d.at,
			ts_rank(d.tsv, query.q) as rank
		from search_documents d
		cross join (select ${parsed.tsquery}::tsquery as q) query
		left join sessions s on s.id = d.session_id
		where ${sql.join(where, sql` and `)}
		order by rank desc, d.at desc
		limit ${limit}
	`);
	// postgres.js answers an array of rows, PGlite `{rows}`.
	const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Row[];
	return rows.map((r) => {
		const inBody = parsed.terms.some((t) => r.body.toLowerCase().includes(t));
		const text = inBody ? r.body : `${r.title} ${r.body}`.trim();
		const { snippet, highlights } = makeSnippet(text, parsed.terms);
		return {
			kind: r.kind,
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
