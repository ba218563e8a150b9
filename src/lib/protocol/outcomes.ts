/** Amendments, item outcomes, floor shares, stream link and search (REFERENCE.md §11). */
import * as v from 'valibot';
import type { Role } from './roles';

export const AMENDMENT_MAX_CHARS = 5000;

const relativePosition = v.looseObject({});
/* @__NO_SIDE_EFFECTS__ */ const shortText = (max: number) =>
	v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

export const createAmendmentSchema = v.object({
	anchor: v.object({ start: relativePosition, end: relativePosition }),
	// An amendment may delete a passage: `text` may be empty.
	text: v.pipe(v.string(), v.maxLength(AMENDMENT_MAX_CHARS)),
	reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(2000)))
});

export type AmendmentStatus = 'open' | 'accepted' | 'rejected' | 'stale';

export interface AmendmentView {
	id: string;
	status: AmendmentStatus;
	/** The passage's text now ("" once it was deleted). */
	quote: string;
	text: string;
	reason?: string;
	author: { name: string; role: Role };
	supporters: number;
	/** The passage when it was proposed (for the diff view). */
	quoteThen: string;
	anchor: { start: unknown; end: unknown };
	voteId?: string;
	at: string;
	mine?: boolean;
	supported?: boolean;
}

/** `amendmentId` travels beside the vote's own fields (`POST /api/v1/items/:itemId/votes`). */
export const voteAmendmentSchema = v.object({
	amendmentId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64)))
});

export const PROGRESS_STATUSES = ['not_started', 'in_progress', 'done', 'shelved'] as const;
export type ProgressStatus = (typeof PROGRESS_STATUSES)[number];

export const outcomeSchema = v.object({
	text: shortText(5000),
	owner: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(200))),
	due: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(40)))
});

export const progressSchema = v.object({
	text: shortText(5000),
	status: v.picklist(PROGRESS_STATUSES),
	photoId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(64)))
});

/**
 * What a decision led to, followed in public — the one shape a 举手 project and a decided item
 * share: status, progress updates, the public notice (公示) and the ratings given during it.
 */
export interface FollowUpView {
	status: ProgressStatus;
	notice?: { startsAt: string; endsAt: string; open: boolean };
	rating: { average: number | null; count: number };
	ratings: { stars: number; comment: string | null; author: string; at: string }[];
	/** Whether the asking member already rated (absent for non-members and before rating). */
	myRating?: number;
}

export interface OutcomeView extends FollowUpView {
	itemId: string;
	sessionId: string;
	/** The public notice opens only once the session is closed. */
	sessionClosed: boolean;
	communityId: string;
	title: string;
	itemStatus: string;
	text: string;
	owner?: string;
	due?: string;
	updates: {
		text: string;
		status: ProgressStatus;
		at: string;
		photoUrl?: string;
		author: string;
	}[];
}

export const phaseSchema = v.object({ phase: v.picklist(['drafting', 'amending']) });

const BLOCS = ['resident', 'owner', 'property', 'enterprise', 'expert', 'observer'] as const;

export const floorSettingsSchema = v.object({
	streamUrl: v.optional(
		v.nullable(
			v.pipe(
				v.string(),
				v.trim(),
				v.maxLength(500),
				v.check((s) => s === '' || /^https?:\/\//i.test(s), 'an http(s) link')
			)
		)
	),
	blocQuotas: v.optional(
		v.pipe(
			// v.record lets an array through as an empty map (src/lib/server/ARCHITECTURE.md trap 15).
			v.unknown(),
			v.check((x) => !Array.isArray(x), 'an object of seconds per role'),
			v.record(
				v.picklist(BLOCS),
				v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(86_400))
			)
		)
	),
	amending: v.optional(v.boolean()),
	costDrafting: v.optional(v.boolean())
});

export interface BlocShareView {
	bloc: string;
	quota: number;
	used: number;
	left: number;
	over: boolean;
}

export const SEARCH_KINDS = [
	'session',
	'item',
	'proposal',
	'statement',
	'minutes',
	'comment',
	'opinion',
	'project',
	'answer'
] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** Results on one page of a search (`limit`), and how far paging reaches (the ranked set). */
export const SEARCH_PAGE_MAX = 50;
export const SEARCH_RANKED_MAX = 400;

export interface SearchPageView {
	results: SearchResultView[];
	/** The `offset` of the next page, or null when there is none. */
	nextOffset: number | null;
}

export interface SearchResultView {
	kind: SearchKind;
	title: string;
	snippet: string;
	/** [start, end) offsets of the words found in `snippet`. */
	highlights: [number, number][];
	url: string;
	sessionId?: string;
	itemId?: string;
	communityId?: string;
	at: string;
	rank: number;
}
