/** Disclosure payloads (REFERENCE.md §4): statements, minutes, the transcript. */
import * as v from 'valibot';

const text = (max: number) =>
	v.pipe(v.string(), v.trim(), v.minLength(1, 'text: required'), v.maxLength(max));

export const statementSchema = v.object({ text: text(2000) });
export const minutesSchema = v.object({
	text: text(10_000),
	speaker: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(100)))
});

export interface TranscriptEntryView {
	seq: number;
	at: string;
	type: string;
	actor: unknown;
	data: unknown;
	prevHash: string;
	hash: string;
}

export interface TranscriptView {
	sessionId: string;
	entries: TranscriptEntryView[];
	head: string;
}
