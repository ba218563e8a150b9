/**
 * Every transcript entry type, declared once: its `data` as a valibot schema. The writer
 * (`record()` in services/transcript.ts) is typed by these, and every reader of the record is a
 * table keyed by `EntryType` (`satisfies Record<EntryType, …>`), so a new entry type fails the
 * type check until each reader says what it means.
 *
 * Schemas are loose objects: entries already in a chain may carry fields a later version no
 * longer writes, and a chain is never rewritten (REFERENCE.md §4). Entries are JSON only: times
 * as ISO strings, areas as numbers.
 */
import * as v from 'valibot';

const id = v.string();
const nullableString = v.nullable(v.string());
const json = v.unknown();

const itemRef = { itemId: id, title: v.string() };
const participantRef = { participantId: id };
const sessionItems = v.array(
	v.looseObject({ id, title: v.string(), body: v.optional(nullableString) })
);

/** `data` of each entry type. */
export const ENTRY_DATA = {
	session_created: v.looseObject({
		title: v.string(),
		kind: v.string(),
		opensAt: v.optional(v.string()),
		closesAt: v.optional(v.string()),
		items: v.optional(sessionItems),
		projectId: v.optional(id),
		opinionId: v.optional(id),
		escalationId: v.optional(id)
	}),
	session_extended: v.looseObject({ from: nullableString, to: v.string() }),
	session_closed: v.looseObject({
		items: v.array(v.looseObject({ id, title: v.string(), status: v.string() }))
	}),
	participant_joined: v.looseObject({
		...participantRef,
		name: v.string(),
		role: v.string(),
		via: v.picklist(['account', 'invite', 'community', 'proxy']),
		inviteId: v.optional(id),
		memberId: v.optional(id)
	}),
	participant_online: v.looseObject(participantRef),
	participant_offline: v.looseObject(participantRef),
	participant_muted: v.looseObject({ ...participantRef, name: v.string() }),
	participant_unmuted: v.looseObject({ ...participantRef, name: v.string() }),
	participant_removed: v.looseObject({ ...participantRef, name: v.string() }),
	item_status: v.looseObject({
		...itemRef,
		from: v.string(),
		to: v.string(),
		voteId: v.optional(id)
	}),
	current_item: v.looseObject(itemRef),
	agenda_reordered: v.looseObject({ itemIds: v.array(id) }),
	settings_changed: v.looseObject({
		speakingLimitSeconds: v.optional(v.nullable(v.number())),
		streamUrl: v.optional(nullableString),
		blocQuotas: v.optional(v.record(v.string(), v.number())),
		amending: v.optional(v.boolean()),
		costDrafting: v.optional(v.boolean())
	}),
	hand_raised: v.looseObject({
		...participantRef,
		name: v.string(),
		kind: v.string(),
		onBehalf: v.boolean()
	}),
	hand_lowered: v.looseObject({ ...participantRef, name: v.string() }),
	floor_given: v.looseObject({
		participantId: v.nullable(id),
		name: v.string(),
		role: v.string(),
		limitSeconds: v.nullable(v.number()),
		overQuota: v.optional(v.boolean())
	}),
	floor_ended: v.looseObject({ ...participantRef, seconds: v.number() }),
	seat_claimed: v.looseObject({ householdId: id, ...participantRef }),
	seat_released: v.looseObject({ householdId: id, ...participantRef }),
	vote_created: v.looseObject({
		voteId: id,
		itemId: id,
		question: v.string(),
		kind: v.string(),
		options: json,
		secret: v.boolean(),
		rule: json
	}),
	vote_opened: v.looseObject({
		voteId: id,
		question: v.string(),
		eligibleHeadcount: v.number(),
		eligibleArea: v.optional(v.number()),
		noticeId: v.optional(v.nullable(id)),
		earlyReason: v.optional(v.string())
	}),
	vote_closed: v.looseObject({
		voteId: id,
		question: v.string(),
		secret: v.boolean(),
		tally: json,
		ballots: json,
		// SHA-256 of the RFC 8785 JSON of the public ballot list (absent before ballot lists).
		ballotsHash: v.optional(v.string())
	}),
	paper_ballot: v.looseObject({
		voteId: id,
		householdId: v.nullable(id),
		participantId: v.optional(v.nullable(id)),
		choice: json,
		photoId: v.optional(v.nullable(id)),
		enteredBy: v.optional(id)
	}),
	// The owners' procedure (REFERENCE.md §9): notices, proxies (never naming who appointed
	// whom), ballots by proxy and the result announcement.
	notice_published: v.looseObject({
		noticeId: id,
		voteId: v.nullable(id),
		title: v.string(),
		contentHash: v.string(),
		publishedAt: v.string(),
		openFrom: v.string()
	}),
	proxy_appointed: v.looseObject({
		proxyId: id,
		voteId: v.nullable(id),
		seats: v.number(),
		paper: v.boolean(),
		photoId: v.optional(v.nullable(id))
	}),
	proxy_accepted: v.looseObject({ proxyId: id }),
	proxy_confirmed: v.looseObject({ proxyId: id }),
	proxy_revoked: v.looseObject({ proxyId: id }),
	ballot_by_proxy: v.looseObject({ voteId: id, proxyId: id, seats: v.number() }),
	vote_announced: v.looseObject({ voteId: id, announcement: json, hash: v.string() }),
	// Words: `textCommitment` since they travel beside the entry; `text` in older entries.
	statement: v.looseObject({
		id,
		text: v.optional(v.string()),
		textCommitment: v.optional(v.string()),
		itemId: v.nullable(id)
	}),
	minutes: v.looseObject({
		id,
		text: v.optional(v.string()),
		textCommitment: v.optional(v.string()),
		speaker: nullableString,
		itemId: v.nullable(id)
	}),
	comment_added: v.looseObject({
		commentId: id,
		itemId: id,
		stance: v.string(),
		text: v.optional(v.string()),
		textCommitment: v.optional(v.string()),
		quote: v.string(),
		anchor: v.optional(json),
		replyTo: v.optional(id)
	}),
	comment_resolved: v.looseObject({ commentId: id, itemId: id }),
	comment_reopened: v.looseObject({ commentId: id, itemId: id }),
	proposal_checkpoint: v.looseObject({
		...itemRef,
		reason: v.string(),
		text: v.string(),
		stateHash: v.string(),
		authors: v.array(v.string())
	}),
	escalated: v.looseObject({
		escalationId: id,
		...itemRef,
		note: v.string(),
		deadline: v.string()
	}),
	escalation_answered: v.looseObject({
		escalationId: id,
		itemId: id,
		from: v.string(),
		to: v.string(),
		answer: v.optional(v.string())
	}),
	// The chain of a case (REFERENCE.md §4): its steps, one type per status reached.
	case_submitted: v.looseObject({
		escalationId: id,
		...itemRef,
		note: v.string(),
		deadline: v.string(),
		sessionId: id,
		communityId: id,
		proposalHash: v.string(),
		sessionHead: v.string()
	}),
	case_accepted: v.looseObject({ escalationId: id, from: v.string(), to: v.string() }),
	case_in_progress: v.looseObject({ escalationId: id, from: v.string(), to: v.string() }),
	case_answered: v.looseObject({
		escalationId: id,
		from: v.string(),
		to: v.string(),
		answer: v.optional(v.string())
	}),
	case_closed: v.looseObject({ escalationId: id, from: v.string(), to: v.string() }),
	consultation_opened: v.looseObject({ sessionId: id }),
	// Cost sharing (REFERENCE.md §12): amounts are never in the chain, only the table's hash.
	cost_scheme_created: v.looseObject({
		schemeId: id,
		itemId: id,
		title: v.string(),
		total: v.number(),
		method: json,
		households: v.number()
	}),
	cost_scheme_chosen: v.looseObject({
		// Null when a moderator chose the scheme without a vote.
		voteId: v.nullable(id),
		optionId: v.nullable(id),
		schemeId: id,
		itemId: id,
		title: v.string(),
		total: v.number(),
		method: json,
		households: v.number(),
		tableHash: v.string()
	}),
	cost_collection_recorded: v.looseObject({
		schemeId: id,
		itemId: id,
		title: v.string(),
		/** A pseudonym of the household, never its unit or owner. */
		household: v.string(),
		paid: v.boolean(),
		households: v.number(),
		paidHouseholds: v.number(),
		outstanding: v.number(),
		collected: v.number(),
		total: v.number()
	}),
	// Outcomes (REFERENCE.md §11): amendments, phases, outcome statements and follow-up.
	amendment_proposed: v.looseObject({
		amendmentId: id,
		itemId: id,
		quote: v.string(),
		text: v.string(),
		reason: nullableString,
		anchor: json
	}),
	amendment_supported: v.looseObject({ amendmentId: id, itemId: id }),
	amendment_accepted: v.looseObject({
		amendmentId: id,
		itemId: id,
		quote: v.string(),
		text: v.string(),
		stale: v.array(id),
		textBefore: v.string(),
		textAfter: v.string()
	}),
	amendment_rejected: v.looseObject({ amendmentId: id, itemId: id }),
	amendment_stale: v.looseObject({ amendmentId: id, itemId: id }),
	phase_changed: v.looseObject({ itemId: id, phase: v.picklist(['drafting', 'amending']) }),
	outcome_set: v.looseObject({
		itemId: id,
		text: v.string(),
		owner: nullableString,
		due: nullableString
	}),
	outcome_progress: v.looseObject({
		itemId: id,
		text: v.string(),
		status: v.string(),
		photoId: nullableString
	}),
	text_hidden: v.looseObject({ kind: v.string(), id, reason: v.string() })
} as const;

export type EntryType = keyof typeof ENTRY_DATA;

/** What a writer passes for an entry of type `T`. */
export type EntryData<T extends EntryType> = v.InferInput<(typeof ENTRY_DATA)[T]>;

export const ENTRY_TYPES = Object.keys(ENTRY_DATA) as EntryType[];

export const isEntryType = (type: string): type is EntryType => Object.hasOwn(ENTRY_DATA, type);

const actorSchema = v.looseObject({ id: v.string(), name: v.string(), role: v.string() });

/** One entry of the chain, discriminated by `type`. */
export const transcriptEntrySchema = v.variant(
	'type',
	ENTRY_TYPES.map((type) =>
		v.looseObject({
			seq: v.number(),
			at: v.string(),
			type: v.literal(type),
			actor: actorSchema,
			data: ENTRY_DATA[type]
		})
	) as unknown as [
		v.LooseObjectSchema<
			{
				seq: v.NumberSchema<undefined>;
				at: v.StringSchema<undefined>;
				type: v.LiteralSchema<EntryType, undefined>;
				actor: typeof actorSchema;
				data: (typeof ENTRY_DATA)[EntryType];
			},
			undefined
		>
	]
);

export type TypedEntry = {
	[T in EntryType]: {
		seq: number;
		at: string;
		type: T;
		actor: { id: string; name: string; role: string };
		data: v.InferOutput<(typeof ENTRY_DATA)[T]>;
	};
}[EntryType];

/** Narrows a stored entry to its declared shape, or null for a type this version does not know. */
export function parseEntry(entry: unknown): TypedEntry | null {
	const parsed = v.safeParse(transcriptEntrySchema, entry);
	return parsed.success ? (parsed.output as TypedEntry) : null;
}
