/** The search index (`search_documents`): rows written by services, queried by search. */
import { eq, sql, type SQL } from 'drizzle-orm';
import { tsvectorLiteral } from '../domain/search-tokens';
import type { Db } from './client';
import { items, searchDocuments, sessions } from './schema';

export interface IndexRow {
	id: string;
	kind: string;
	refId: string;
	communityId: string | null;
	sessionId: string | null;
	itemId: string | null;
	public: boolean;
	title: string;
	/** The title's words as indexed ("" when the title is only context). */
	indexedTitle: string;
	body: string;
	url: string;
	at: Date;
}

export async function put(db: Db, row: IndexRow): Promise<void> {
	const { literal, tokens } = tsvectorLiteral(row.indexedTitle, row.body);
	const values = {
		kind: row.kind,
		refId: row.refId,
		communityId: row.communityId,
		sessionId: row.sessionId,
		itemId: row.itemId,
		public: row.public,
		title: row.title,
		body: row.body,
		url: row.url,
		tokens,
		tsv: sql`${literal}::tsvector` as unknown as string,
		at: row.at
	};
	await db
		.insert(searchDocuments)
		.values({ id: row.id, ...values })
		.onConflictDoUpdate({ target: searchDocuments.id, set: values });
}

export async function remove(db: Db, id: string): Promise<void> {
	await db.delete(searchDocuments).where(eq(searchDocuments.id, id));
}

/** Re-indexes a row's body (the title stays as it is shown). */
export async function replaceBody(
	db: Db,
	id: string,
	body: string,
	indexedTitle: (title: string) => string
): Promise<void> {
	const [row] = await db
		.select({ title: searchDocuments.title })
		.from(searchDocuments)
		.where(eq(searchDocuments.id, id));
	if (!row) return;
	const { literal, tokens } = tsvectorLiteral(indexedTitle(row.title), body);
	await db
		.update(searchDocuments)
		.set({ body, tokens, tsv: sql`${literal}::tsvector` as unknown as string })
		.where(eq(searchDocuments.id, id));
}

export async function sessionOf(db: Db, sessionId: string) {
	const [row] = await db
		.select({ title: sessions.title, communityId: sessions.communityId })
		.from(sessions)
		.where(eq(sessions.id, sessionId));
	return row ?? null;
}

export async function itemTitle(db: Db, itemId: string | null | undefined) {
	if (!itemId) return null;
	const [row] = await db.select({ title: items.title }).from(items).where(eq(items.id, itemId));
	return row?.title ?? null;
}

export interface QueryRow {
	kind: string;
	title: string;
	body: string;
	url: string;
	session_id: string | null;
	item_id: string | null;
	community_id: string | null;
	at: string | Date;
	rank: number | string;
}

export interface QueryFilters {
	communityId?: string | null;
	kind?: string | null;
	from?: Date | null;
	to?: Date | null;
}

/**
 * Public rows matching a tsquery literal, best first: GIN on `tsv` finds the matches, the
 * small in-row `title_tsv` orders title hits first and then the newest, and only the first
 * `page.ranked` of those are ranked with `ts_rank` (title words weigh more) and paged.
 *
 * Why a bounded set: `ts_rank` has to read each row's whole `tsv` (kilobytes, stored out of
 * line), so ranking every match of a common word over an archive of 1 000 sessions took
 * ~300 ms. Title hits outrank body hits under `ts_rank` anyway (weight A against D), so this
 * order keeps every title hit and the most recent discussion first. Pages stay inside the
 * set, so paging through it is consistent.
 */
export async function query(
	db: Db,
	tsquery: string,
	filters: QueryFilters,
	page: { limit: number; offset: number; ranked: number }
): Promise<QueryRow[]> {
	const where: SQL[] = [sql`d.tsv @@ query.q`, sql`(d.public or s.status = 'closed')`];
	if (filters.communityId) where.push(sql`d.community_id = ${filters.communityId}`);
	if (filters.kind) where.push(sql`d.kind = ${filters.kind}`);
	if (filters.from) where.push(sql`d.at >= ${filters.from.toISOString()}`);
	if (filters.to) where.push(sql`d.at < ${filters.to.toISOString()}`);
	// The candidates' order is an expression, so the planner cannot trade the GIN index for a
	// walk down an index on `at` that would test `tsv` (read out of line) row after row.
	const result = await db.execute(sql`
		with query as (select ${tsquery}::tsquery as q),
		candidates as (
			select d.id, d.title_tsv @@ query.q as in_title
			from search_documents d
			cross join query
			left join sessions s on s.id = d.session_id
			where ${sql.join(where, sql` and `)}
			order by in_title desc, d.at desc, d.id
			limit ${page.ranked}
		)
		select d.kind, d.title, d.body, d.url, d.session_id, d.item_id, d.community_id, d.at,
			ts_rank(d.tsv, query.q) as rank
		from candidates c
		join search_documents d on d.id = c.id
		cross join query
		order by c.in_title desc, rank desc, d.at desc, d.id
		limit ${page.limit} offset ${page.offset}
	`);
	// postgres.js answers an array of rows, PGlite `{rows}`.
	return (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as QueryRow[];
}
