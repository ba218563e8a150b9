/** Meeting events and views (REFERENCE.md §5): speaker queue, votes, tallies. */
import * as v from 'valibot';
import { VOTE_KIND_IDS, type VoteKindId } from '../votes/kinds/ids';
import type { Choice, Round, OptionScore } from '../votes/kinds';

export type { Choice, Round, OptionScore, VoteKindId };

export const HAND_KINDS = ['speak', 'point_of_order'] as const;
export type HandKind = (typeof HAND_KINDS)[number];

export interface QueueView {
	entries: { participantId: string; kind: HandKind; at: string }[];
	speaking: { participantId: string; startedAt: string; limitSeconds: number } | null;
}

export type Rule =
	| { kind: 'majority_cast' }
	| { kind: 'threshold'; ratio: string; base: 'cast' | 'eligible'; quorum?: string }
	| { kind: 'civil_code_278'; matter: 'ordinary' | 'major' }
	| { kind: 'none' };

export interface RuleCheck {
	name: string;
	value: number;
	required: string;
	ok: boolean;
	part: number;
	whole: number;
}

export interface TallyView {
	voteId: string;
	status: 'draft' | 'open' | 'closed';
	counts?: Record<string, { headcount: number; area: number }>;
	participation: {
		headcount: number;
		area: number;
		eligibleHeadcount: number;
		eligibleArea: number;
	};
	result?: {
		passed: boolean;
		checks: RuleCheck[];
		rule: Rule;
		winner?: string | null;
		/** `ranked`: every instant-runoff round. */
		rounds?: Round[];
		/** `score`: mean and distribution per option. */
		scores?: Record<string, OptionScore>;
		/** `approval`: approvals per option (headcount). */
		approvals?: Record<string, number>;
	};
}

export interface VoteView {
	id: string;
	itemId: string;
	question: string;
	kind: VoteKindId;
	options: { id: string; label: string }[];
	min: number;
	max: number;
	secret: boolean;
	tally: 'live' | 'hidden';
	eligibility: 'participants' | 'households';
	changeable: boolean;
	rule: Rule;
	status: 'draft' | 'open' | 'closed';
	closesAt: string | null;
	/** Why the moderator opened it before its notice period ended (shown with the result). */
	earlyReason?: string | null;
	current: TallyView;
}

export interface SeatView {
	householdId: string;
	building: string;
	unit: string;
	/** Held as a proxy for its owner (委托). */
	proxy?: boolean;
}

const id = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

export const handRaiseSchema = v.object({ kind: v.optional(v.picklist(HAND_KINDS), 'speak') });
export const handLowerSchema = v.object({});
/** Any kind's choice on the wire; the vote's kind then validates it (`src/lib/votes/kinds`). */
export const choiceSchema = v.union([
	id,
	v.pipe(v.array(id), v.maxLength(50)),
	v.pipe(
		v.record(id, v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100))),
		v.check((r) => Object.keys(r).length <= 50, 'at most 50 options')
	)
]);
export const ballotCastSchema = v.object({
	voteId: id,
	choice: choiceSchema,
	/** The seat this ballot is for; without it, every seat the caller holds without a ballot. */
	householdId: v.optional(id)
});

const ratio = v.pipe(v.string(), v.regex(/^\d{1,4}\/\d{1,4}$/, 'a ratio like 2/3'));
export const ruleSchema = v.variant('kind', [
	v.object({ kind: v.literal('majority_cast') }),
	v.object({
		kind: v.literal('threshold'),
		ratio,
		base: v.picklist(['cast', 'eligible']),
		quorum: v.optional(ratio)
	}),
	v.object({ kind: v.literal('civil_code_278'), matter: v.picklist(['ordinary', 'major']) })
]);

export const createVoteSchema = v.object({
	question: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(500)),
	kind: v.picklist(VOTE_KIND_IDS),
	options: v.optional(
		v.pipe(
			v.array(v.object({ label: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)) })),
			v.maxLength(50)
		)
	),
	min: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
	max: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
	secret: v.boolean(),
	tally: v.picklist(['live', 'hidden']),
	eligibility: v.picklist(['participants', 'households']),
	changeable: v.optional(v.boolean(), false),
	/** May be left out for kinds that decide by their own count (ranked, score, approval). */
	rule: v.optional(ruleSchema),
	closesAt: v.optional(v.pipe(v.string(), v.isoTimestamp()))
});
export type CreateVoteInput = v.InferOutput<typeof createVoteSchema>;

export const itemStatusSchema = v.object({
	status: v.picklist(['pending', 'discussing', 'voting', 'resolved', 'unresolved'])
});
export const currentItemSchema = v.object({ itemId: id });
export const itemOrderSchema = v.object({
	itemIds: v.pipe(v.array(id), v.minLength(1), v.maxLength(50))
});
export const seatClaimSchema = v.object({
	seatCode: v.pipe(v.string(), v.trim(), v.minLength(4), v.maxLength(64))
});
/** Staff enter a paper ballot for a household seat, or for a person in a per-person vote. */
export const paperBallotSchema = v.object({
	householdId: v.optional(id),
	participantId: v.optional(id),
	choice: choiceSchema,
	/** A scan or photo of the paper (from `POST /api/v1/communities/:id/photos`). */
	photoId: v.optional(v.nullable(id))
});
export const floorSchema = v.object({
	participantId: v.optional(id),
	limitSeconds: v.optional(v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(3600)))
});
export const handOnBehalfSchema = v.object({
	participantId: id,
	kind: v.optional(v.picklist(HAND_KINDS), 'speak')
});
export const sessionSettingsSchema = v.object({
	speakingLimitSeconds: v.optional(
		v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(3600))
	)
});
