/**
 * Search over the public archive (closed sessions, answered escalations). Chinese has no spaces
 * between words, so word-based full-text search misses "电梯" inside "加装电梯的费用"; a
 * substring match (ILIKE, on PGlite and Postgres alike) finds it wherever it stands.
 */
import { and, eq, ilike, inArray, or, sql } from 'drizzle-orm';
import { escalations, items, sessions, transcriptEntries } from '../db/schema';
import type { Ctx } from './context';
import { requireWellFormed, ServiceError } from './errors';
import { searchWords } from './words';

export interface SearchResult {
	sessionId: string;
	itemId?: string;
	kind: 'session' | 'item' | 'proposal' | 'minutes' | 'statement' | 'answer';
	title: string;
	snippet: string;
}

const escapeLike = (q: string) => q.replace(/[\\%_]/g, (c) => `\\${c}`);

/** ±`radius` characters around the first match, whole code points. */
export function snippet(text: string, q: string, radius = 40): string {
	const chars = [...text];
	const at = [...text.slice(0, Math.max(0, text.toLowerCase().indexOf(q.toLowerCase())))].length;
	const start = Math.max(0, at - radius);
	const end = Math.min(chars.length, at + [...q].length + radius);
	return `${start > 0 ? '…' : ''}${chars.slice(start, end).join('')}${end < chars.length ? '…' : ''}`;
}

export async function search(ctx: Ctx, raw: string | null, limit = 50): Promise<SearchResult[]> {
	const q = (raw ?? '').trim();
	requireWellFormed({ q });
	if (q.length < 1 || q.length > 100)
		throw new ServiceError(400, 'invalid_payload', 'q: 1–100 characters');
	const pattern = `%${escapeLike(q)}%`;
	const closed = await ctx.db.select().from(sessions).where(eq(sessions.status, 'closed'));
	const closedIds = closed.map((s) => s.id);
	const titles = new Map(closed.map((s) => [s.id, s.title]));
	const results: SearchResult[] = [];
	for (const s of closed) {
		if (s.title.toLowerCase().includes(q.toLowerCase())) {
			results.push({
				sessionId: s.id,
				kind: 'session',
				title: s.title,
				snippet: snippet(s.title, q)
			});
		}
	}
	if (closedIds.length) {
		const itemRows = await ctx.db
			.select()
			.from(items)
			.where(
				and(
					inArray(items.sessionId, closedIds),
					or(ilike(items.title, pattern), ilike(items.body, pattern))
				)
			);
		for (const i of itemRows) {
			results.push({
				sessionId: i.sessionId,
				itemId: i.id,
				kind: 'item',
				title: i.title,
				snippet: snippet(`${i.title} ${i.body ?? ''}`, q)
			});
		}
		const entries = await ctx.db
			.select()
			.from(transcriptEntries)
			.where(
				and(
					inArray(transcriptEntries.sessionId, closedIds),
					inArray(transcriptEntries.type, ['minutes', 'statement', 'proposal_checkpoint']),
					sql`${transcriptEntries.data}->>'text' ilike ${pattern}`
				)
			)
			.limit(limit);
		for (const e of entries) {
			const data = e.data as { text: string; itemId?: string; title?: string };
			results.push({
				sessionId: e.sessionId,
				itemId: data.itemId ?? undefined,
				kind: e.type === 'proposal_checkpoint' ? 'proposal' : (e.type as 'minutes' | 'statement'),
				title: data.title ?? titles.get(e.sessionId) ?? '',
				snippet: snippet(data.text, q)
			});
		}
		// Entries written since words are committed to carry them beside the chain.
		for (const w of await searchWords(ctx.db, closedIds, pattern, limit)) {
			const entry = await ctx.db
				.select({ data: transcriptEntries.data })
				.from(transcriptEntries)
				.where(and(eq(transcriptEntries.sessionId, w.sessionId), eq(transcriptEntries.seq, w.seq)));
			const itemId = (entry[0]?.data as { itemId?: string } | undefined)?.itemId ?? undefined;
			results.push({
				sessionId: w.sessionId,
				itemId,
				kind: w.kind,
				title: titles.get(w.sessionId) ?? '',
				snippet: snippet(w.text, q)
			});
		}
	}
	const answered = await ctx.db
		.select({ row: escalations, title: items.title })
		.from(escalations)
		.innerJoin(items, eq(escalations.itemId, items.id))
		.where(
			and(
				inArray(escalations.status, ['answered', 'closed']),
				or(
					ilike(escalations.answer, pattern),
					ilike(escalations.note, pattern),
					ilike(items.title, pattern)
				)
			)
		);
	for (const a of answered) {
		results.push({
			sessionId: a.row.sessionId,
			itemId: a.row.itemId,
			kind: 'answer',
			title: a.title,
			snippet: snippet(`${a.row.answer ?? ''} ${a.row.note}`, q)
		});
	}
	return results.slice(0, limit);
}
