/**
 * The record people can trust (src/lib/protocol/REFERENCE.md, additions to §8): signed heads,
 * words beside the chain, hiding, and text that cannot break the record.
 */
import * as v from 'valibot';

/**
 * A NUL byte or a lone UTF-16 surrogate cannot be stored (Postgres refuses both in text and
 * jsonb) and has no RFC 8785 form, so text carrying one is refused as `invalid_text`.
 */
// eslint-disable-next-line no-control-regex
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const isWellFormedText = (s: string): boolean => !BAD_TEXT.test(s);

/** The valibot check every text schema can carry. */
/* @__NO_SIDE_EFFECTS__ */ export const wellFormedText = () =>
	v.check<string, string>(
		isWellFormedText,
		'invalid_text: contains a NUL byte or a lone surrogate'
	);

/**
 * Runs of digits long enough to be an ID card (18, last may be X), a phone (11) or any other
 * account-like number are masked in names that enter the public record: a name is what a person
 * typed to be called by, not where to find them.
 */
export function maskNumbers(text: string): string {
	return text.replace(/\d[\d\s-]{5,}[\dXx]/g, (run) => {
		const digits = run.replace(/[\s-]/g, '');
		if (digits.length < 7) return run;
		return `${digits.slice(0, 3)}${'*'.repeat(Math.max(1, digits.length - 5))}${digits.slice(-2)}`;
	});
}

export interface SignedHeadView {
	sessionId: string;
	seq: number;
	head: string;
	at: string;
	signature: string;
}

/**
 * People's words beside a transcript entry whose `data` carries `textCommitment`
 * (= SHA-256 hex of the RFC 8785 JSON of {salt, text}): the text and salt, or — hidden — the
 * reason in their place (staff of the community still see the text, with `hidden` and `reason`).
 */
export type EntryContent =
	{ text: string; salt: string; hidden?: true; reason?: string } | { hidden: true; reason: string };

export const HIDE_KINDS = ['statement', 'comment', 'opinion'] as const;
export type HideKind = (typeof HIDE_KINDS)[number];

export const hideSchema = v.object({
	kind: v.picklist(HIDE_KINDS, 'kind: statement, comment or opinion'),
	id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
	reason: v.pipe(v.string(), v.trim(), v.minLength(1, 'reason: required'), v.maxLength(500))
});

export const eraseSchema = v.object({
	participantId: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
	reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500)))
});

export interface BallotListView {
	voteId: string;
	ballots: {
		receipt: string;
		/** Option ids (in order of preference for `ranked`), or `{optionId: score}` for `score`. */
		choice: string[] | Record<string, number>;
		headcount: number;
		area: number;
		voter?: string;
		name?: string | null;
		role?: string | null;
		paper?: boolean;
	}[];
}
