/**
 * Chinese full-text search without a Chinese parser in the database: the text is cut into
 * words with `Intl.Segmenter('zh', {granularity: 'word'})` (ICU's dictionary, shipped with
 * Node), and every run of Han characters also yields its single characters and character
 * bigrams, so "电梯" is found inside "加装电梯的费用" even where ICU cut it differently, and a
 * two-character query matches whatever the segmenter did. Lexemes are written as a `tsvector`
 * literal (positions and weights included), so Postgres' own parser never touches Chinese
 * and PGlite and Postgres index exactly the same lexemes (GIN), ranked with `ts_rank`.
 */

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const HAN = /\p{Script=Han}/u;
const HAN_RUN = /\p{Script=Han}+/gu;
/** Postgres keeps at most 256 positions per lexeme and positions up to 16383. */
const MAX_POSITION = 16_383;
const MAX_POSITIONS_PER_LEXEME = 255;
/** Characters of one text that are indexed (the rest is still shown, just not searched). */
export const MAX_INDEXED_CHARS = 20_000;

const normalize = (s: string) => s.normalize('NFKC').toLowerCase();

/** The lexemes of a text in order (a lexeme may repeat). */
export function tokenize(text: string): string[] {
	const out: string[] = [];
	const source = normalize(text.slice(0, MAX_INDEXED_CHARS));
	for (const seg of segmenter.segment(source)) {
		if (!seg.isWordLike) continue;
		const word = seg.segment;
		if (!HAN.test(word)) {
			out.push(word);
			continue;
		}
		if ([...word].length > 1) out.push(word);
	}
	for (const run of source.match(HAN_RUN) ?? []) {
		const chars = [...run];
		for (let i = 0; i < chars.length; i++) {
			out.push(chars[i]!);
			if (i + 1 < chars.length) out.push(chars[i]! + chars[i + 1]!);
		}
	}
	return out.map((t) => t.slice(0, 100)).filter((t) => t.length > 0);
}

const quote = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * A `tsvector` literal for a title (weight A) and a body (weight D), with positions so that
 * `ts_rank` counts how often a word occurs.
 */
export function tsvectorLiteral(title: string, body: string): { literal: string; tokens: string } {
	const positions = new Map<string, string[]>();
	let pos = 0;
	const add = (tokens: string[], weight: string) => {
		for (const t of tokens) {
			pos = Math.min(MAX_POSITION, pos + 1);
			const list = positions.get(t) ?? [];
			if (list.length < MAX_POSITIONS_PER_LEXEME) list.push(`${pos}${weight}`);
			positions.set(t, list);
		}
	};
	const titleTokens = tokenize(title);
	const bodyTokens = tokenize(body);
	add(titleTokens, 'A');
	add(bodyTokens, '');
	const literal = [...positions]
		.map(([lexeme, list]) => `${quote(lexeme)}:${list.join(',')}`)
		.join(' ');
	return { literal, tokens: [...new Set([...titleTokens, ...bodyTokens])].join(' ') };
}

/** What a query looks for: Han runs as bigrams (or one character), other words as prefixes. */
export interface ParsedQuery {
	/** The words as typed (for highlighting). */
	terms: string[];
	/** A `tsquery` literal, or null when nothing searchable was typed. */
	tsquery: string | null;
}

export function parseQuery(q: string): ParsedQuery {
	const source = normalize(q);
	const terms: string[] = [];
	const parts: string[] = [];
	for (const seg of segmenter.segment(source)) {
		if (!seg.isWordLike) continue;
		const word = seg.segment;
		if (HAN.test(word)) continue;
		terms.push(word);
		parts.push(`${quote(word)}:*`);
	}
	for (const run of source.match(HAN_RUN) ?? []) {
		terms.push(run);
		const chars = [...run];
		if (chars.length === 1) parts.push(quote(chars[0]!));
		for (let i = 0; i + 1 < chars.length; i++) parts.push(quote(chars[i]! + chars[i + 1]!));
	}
	const unique = [...new Set(parts)];
	return { terms: [...new Set(terms)], tsquery: unique.length ? unique.join(' & ') : null };
}

export interface Snippet {
	snippet: string;
	/** [start, end) offsets (UTF-16) into `snippet` of each word found, for highlighting. */
	highlights: [number, number][];
}

/** ±`radius` characters around the first word found, with every found word marked. */
export function makeSnippet(text: string, terms: string[], radius = 40): Snippet {
	const lower = normalize(text);
	// NFKC may change lengths (rare: compatibility characters); fall back to the plain text.
	const haystack = lower.length === text.length ? lower : text.toLowerCase();
	let first = -1;
	for (const t of terms) {
		const at = haystack.indexOf(t);
		if (at >= 0 && (first < 0 || at < first)) first = at;
	}
	const center = Math.max(0, first);
	let start = Math.max(0, center - radius);
	let end = Math.min(text.length, center + radius * 2);
	// Never cut a surrogate pair in half.
	if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start] ?? '')) start--;
	if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end] ?? '')) end++;
	const prefix = start > 0 ? '…' : '';
	const body = text.slice(start, end);
	const snippet = `${prefix}${body}${end < text.length ? '…' : ''}`;
	const highlights: [number, number][] = [];
	const window = haystack.slice(start, end);
	for (const t of terms) {
		for (let i = window.indexOf(t); i >= 0 && t.length > 0; i = window.indexOf(t, i + t.length)) {
			highlights.push([i + prefix.length, i + prefix.length + t.length]);
		}
	}
	highlights.sort((a, b) => a[0] - b[0]);
	return { snippet, highlights };
}
