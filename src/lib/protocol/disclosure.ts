/** Disclosure payloads (REFERENCE.md §4): statements, minutes, the transcript. */
import * as v from 'valibot';
import { maskNumbers, wellFormedText, type EntryContent, type SignedHeadView } from './trust';

/* @__NO_SIDE_EFFECTS__ */ const text = (max: number) =>
	v.pipe(
		v.string(),
		wellFormedText(),
		v.trim(),
		v.minLength(1, 'text: required'),
		v.maxLength(max)
	);

export const statementSchema = v.object({ text: text(2000) });
export const minutesSchema = v.object({
	text: text(10_000),
	speaker: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100), v.transform(maskNumbers)))
});

export interface TranscriptEntryView {
	seq: number;
	at: string;
	type: string;
	actor: unknown;
	data: unknown;
	prevHash: string;
	hash: string;
	/** The words an entry's `data.textCommitment` commits to, outside the hashed part. */
	content?: EntryContent;
}

export interface TranscriptView {
	sessionId: string;
	entries: TranscriptEntryView[];
	head: string;
	/** Where the answer came from: `npm run verify` fetches the signing key there. */
	origin?: string;
	/** The newest signed head of this session (null while it has no entries). */
	signedHead: SignedHeadView | null;
	/** Set when the reader asked for the tail (`?after=<seq>`): `entries` are those past it. */
	after?: number;
}
