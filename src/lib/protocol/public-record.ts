/**
 * The public record of a session, built from its transcript: agenda and outcomes,
 * attendance by bloc, minutes and statements, votes with results, proposals' final text,
 * escalations and answers, and the timeline itself. The archive page, the printed minutes and
 * the Markdown export all read this one shape, so they say the same thing.
 *
 * Personal data stays out: household ids and unit numbers are dropped, named-ballot voter keys
 * are masked (the caller passes the mask), secret ballots have no list at all. The verifiable
 * JSON export is the place for the raw entries.
 */
import type { TranscriptEntryView } from './disclosure';
import type { Rule, RuleCheck, VoteView } from './meeting';
import { isEntryType, type EntryType } from './transcript';

export type TimelineKind =
	'speech' | 'minutes' | 'agenda' | 'floor' | 'vote' | 'proposal' | 'escalation' | 'attendance';

/** The kinds the timeline filter offers, in its order. */
export const TIMELINE_KINDS: readonly TimelineKind[] = [
	'speech',
	'minutes',
	'agenda',
	'floor',
	'vote',
	'proposal',
	'escalation',
	'attendance'
];

export type ItemStatus = 'pending' | 'discussing' | 'voting' | 'resolved' | 'unresolved';

export type PublicValue = string | number | boolean | null | string[];

export interface PublicActor {
	name: string;
	role: string;
}

/** One transcript entry as a public page may show it: whitelisted fields only. */
export interface PublicEntry {
	seq: number;
	at: string;
	type: string;
	kind: TimelineKind;
	actor: PublicActor;
	data: Record<string, PublicValue>;
}

export interface RecordItem {
	id: string;
	title: string;
	status: ItemStatus;
	/** The last proposal checkpoint of the item: its final text. */
	proposal: { text: string; at: string; authors: string[]; versions: number } | null;
}

export interface RecordBallot {
	/** The voter key, masked (`owner-0**`). */
	voter: string;
	name: string | null;
	role: string | null;
	choice: string;
	paper: boolean;
}

export interface RecordVote {
	id: string;
	itemId: string;
	itemTitle: string;
	question: string;
	secret: boolean;
	eligibility: VoteView['eligibility'];
	rule: Rule;
	status: VoteView['status'];
	openedAt: string | null;
	closedAt: string | null;
	counts: { id: string; label: string; headcount: number; area: number }[];
	participation: VoteView['current']['participation'];
	passed: boolean | null;
	winner: string | null;
	checks: RuleCheck[];
	/** Named votes: who chose what. Secret votes: null — a ballot never names a person. */
	ballots: RecordBallot[] | null;
}

export interface RecordEscalation {
	id: string;
	itemId: string | null;
	itemTitle: string;
	note: string;
	at: string;
	deadline: string;
	answer: string | null;
	answeredAt: string | null;
	/** Answered within the deadline; null while unanswered. */
	onTime: boolean | null;
}

/** A clerk's minutes line or a participant's statement, in the order they were recorded. */
export interface RecordNote {
	seq: number;
	at: string;
	type: 'minutes' | 'statement';
	speaker: string | null;
	/** The speaker's bloc (role) when the record tells it. */
	bloc: string | null;
	recordedBy: string;
	text: string;
	itemTitle: string | null;
}

export interface ArchiveRecord {
	session: {
		id: string;
		title: string;
		kind: 'live' | 'cloud';
		status: 'open' | 'closed';
		communityId: string;
		openedAt: string | null;
		closedAt: string | null;
	};
	head: string;
	entryCount: number;
	items: RecordItem[];
	attendance: { role: string; names: string[] }[];
	notes: RecordNote[];
	votes: RecordVote[];
	escalations: RecordEscalation[];
	entries: PublicEntry[];
}

export interface RecordSession {
	id: string;
	title: string;
	kind: 'live' | 'cloud';
	status: 'open' | 'closed';
	communityId: string;
	items: { id: string; title: string; status: ItemStatus }[];
}

/** Blocs in the order attendance lists them: the parties first, then the people running it. */
export const BLOC_ORDER = [
	'resident',
	'owner',
	'property',
	'enterprise',
	'expert',
	'observer',
	'street',
	'moderator',
	'clerk',
	'admin'
];

/** Where each entry type sits in the timeline filter. */
const KIND_OF = {
	statement: 'speech',
	comment_added: 'speech',
	comment_resolved: 'speech',
	comment_reopened: 'speech',
	minutes: 'minutes',
	session_created: 'agenda',
	item_status: 'agenda',
	current_item: 'agenda',
	agenda_reordered: 'agenda',
	settings_changed: 'agenda',
	session_closed: 'agenda',
	hand_raised: 'floor',
	hand_lowered: 'floor',
	floor_given: 'floor',
	floor_ended: 'floor',
	vote_created: 'vote',
	vote_opened: 'vote',
	vote_closed: 'vote',
	paper_ballot: 'vote',
	notice_published: 'vote',
	proxy_appointed: 'vote',
	proxy_accepted: 'vote',
	proxy_confirmed: 'vote',
	proxy_revoked: 'vote',
	ballot_by_proxy: 'vote',
	vote_announced: 'vote',
	proposal_checkpoint: 'proposal',
	escalated: 'escalation',
	escalation_answered: 'escalation',
	session_extended: 'agenda',
	participant_joined: 'attendance',
	participant_online: 'attendance',
	participant_offline: 'attendance',
	participant_muted: 'attendance',
	participant_unmuted: 'attendance',
	participant_removed: 'attendance',
	seat_claimed: 'attendance',
	seat_released: 'attendance',
	case_submitted: 'escalation',
	case_accepted: 'escalation',
	case_in_progress: 'escalation',
	case_answered: 'escalation',
	case_closed: 'escalation',
	consultation_opened: 'escalation',
	cost_scheme_created: 'vote',
	cost_scheme_chosen: 'vote',
	cost_collection_recorded: 'agenda',

	amendment_proposed: 'proposal',
	amendment_supported: 'proposal',
	amendment_accepted: 'proposal',
	amendment_rejected: 'proposal',
	amendment_stale: 'proposal',
	phase_changed: 'agenda',
	outcome_set: 'agenda',
	outcome_progress: 'agenda',
	text_hidden: 'speech'
} satisfies Record<EntryType, TimelineKind>;

export function kindOf(type: string): TimelineKind {
	return isEntryType(type) ? KIND_OF[type] : 'attendance';
}

type Data = Record<string, unknown>;

const obj = (value: unknown): Data =>
	value && typeof value === 'object' && !Array.isArray(value) ? (value as Data) : {};
const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const num = (value: unknown): number | null =>
	typeof value === 'number' && Number.isFinite(value) ? value : null;
const strings = (value: unknown): string[] =>
	Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];

function actorOf(raw: unknown): PublicActor {
	const actor = obj(raw);
	return { name: str(actor.name) ?? '', role: str(actor.role) ?? '' };
}

interface Lookups {
	people: Map<string, PublicActor>;
	itemTitles: Map<string, string>;
	voteOptions: Map<string, { id: string; label: string }[]>;
}

function choiceLabel(lookups: Lookups, voteId: string | null, choice: unknown): string {
	const options = (voteId && lookups.voteOptions.get(voteId)) || [];
	return strings(choice)
		.map((id) => options.find((o) => o.id === id)?.label ?? id)
		.join('、');
}

interface ProjectionContext {
	lookups: Lookups;
	person: (id: unknown) => PublicActor | null;
	item: (id: unknown) => string | null;
}

type Projector = (data: Data, context: ProjectionContext) => Record<string, PublicValue>;

const none = () => ({});

/**
 * The fields of each entry type that may be shown publicly; anything else is dropped. Presence,
 * moderation and comment bookkeeping and the steps of a case chain show nothing of their data.
 */
const PUBLIC_DATA = {
	session_created: (data) => ({
		title: str(data.title),
		kind: str(data.kind)
	}),
	participant_joined: (data) => ({
		name: str(data.name),
		role: str(data.role),
		via: str(data.via)
	}),
	item_status: (data) => ({
		itemId: str(data.itemId),
		title: str(data.title),
		from: str(data.from),
		to: str(data.to)
	}),
	current_item: (data) => ({
		itemId: str(data.itemId),
		title: str(data.title)
	}),
	agenda_reordered: (data, { item }) => ({
		titles: strings(data.itemIds).map((id) => item(id) ?? '')
	}),
	settings_changed: (data) => ({
		speakingLimitSeconds: num(data.speakingLimitSeconds)
	}),
	hand_raised: (data) => ({
		name: str(data.name),
		kind: str(data.kind),
		onBehalf: data.onBehalf === true
	}),
	hand_lowered: (data) => ({ name: str(data.name) }),
	floor_given: (data) => ({
		name: str(data.name),
		role: str(data.role),
		limitSeconds: num(data.limitSeconds)
	}),
	floor_ended: (data, { person }) => {
		const p = person(data.participantId);
		return { name: p?.name ?? null, role: p?.role ?? null, seconds: num(data.seconds) };
	},
	// The household is personal: only who held the seat is shown.
	seat_claimed: (data, { person }) => ({ name: person(data.participantId)?.name ?? null }),
	seat_released: (data, { person }) => ({ name: person(data.participantId)?.name ?? null }),
	vote_created: (data) => ({
		voteId: str(data.voteId),
		question: str(data.question),
		secret: !!data.secret
	}),
	vote_opened: (data) => ({
		voteId: str(data.voteId),
		question: str(data.question),
		eligibleHeadcount: num(data.eligibleHeadcount)
	}),
	vote_closed: (data) => {
		const result = obj(obj(data.tally).result);
		return {
			voteId: str(data.voteId),
			question: str(data.question),
			secret: !!data.secret,
			passed: typeof result.passed === 'boolean' ? result.passed : null
		};
	},
	paper_ballot: (data, { lookups }) => ({
		voteId: str(data.voteId),
		choice: data.choice ? choiceLabel(lookups, str(data.voteId), data.choice) : null
	}),
	statement: (data, { item }) => ({
		text: str(data.text),
		itemTitle: item(data.itemId)
	}),
	comment_added: (data, { item }) => ({
		text: str(data.text),
		stance: str(data.stance),
		quote: str(data.quote),
		reply: !!data.replyTo,
		itemTitle: item(data.itemId)
	}),
	minutes: (data, { item }) => ({
		text: str(data.text),
		speaker: str(data.speaker),
		itemTitle: item(data.itemId)
	}),
	proposal_checkpoint: (data) => ({
		itemId: str(data.itemId),
		title: str(data.title),
		reason: str(data.reason),
		text: str(data.text),
		authors: strings(data.authors)
	}),
	escalated: (data, { item }) => ({
		escalationId: str(data.escalationId),
		title: str(data.title) ?? item(data.itemId),
		note: str(data.note),
		deadline: str(data.deadline)
	}),
	escalation_answered: (data, { item }) => ({
		escalationId: str(data.escalationId),
		title: item(data.itemId),
		answer: str(data.answer)
	}),
	session_extended: none,
	session_closed: none,
	participant_online: none,
	participant_offline: none,
	participant_muted: none,
	participant_unmuted: none,
	participant_removed: none,
	comment_resolved: none,
	comment_reopened: none,
	case_submitted: none,
	case_accepted: none,
	case_in_progress: none,
	case_answered: none,
	case_closed: none,
	consultation_opened: none,
	notice_published: (data) => ({ title: str(data.title), openFrom: str(data.openFrom) }),
	// Only that a seat was appointed or voted by proxy: never who appointed whom.
	proxy_appointed: (data) => ({ seats: num(data.seats), paper: !!data.paper }),
	proxy_accepted: none,
	proxy_confirmed: none,
	proxy_revoked: none,
	ballot_by_proxy: (data) => ({ voteId: str(data.voteId), seats: num(data.seats) }),
	vote_announced: (data) => ({ voteId: str(data.voteId), hash: str(data.hash) }),
	cost_scheme_created: (data) => ({
		schemeId: str(data.schemeId),
		title: str(data.title),
		total: num(data.total)
	}),
	cost_scheme_chosen: (data) => ({
		schemeId: str(data.schemeId),
		title: str(data.title),
		total: num(data.total),
		tableHash: str(data.tableHash)
	}),
	cost_collection_recorded: (data) => ({
		schemeId: str(data.schemeId),
		title: str(data.title),
		paid: data.paid === true,
		households: num(data.households),
		paidHouseholds: num(data.paidHouseholds),
		outstanding: num(data.outstanding),
		collected: num(data.collected),
		total: num(data.total)
	}),

	amendment_proposed: (data, { item }) => ({
		quote: str(data.quote),
		text: str(data.text),
		reason: str(data.reason),
		itemTitle: item(data.itemId)
	}),
	amendment_supported: none,
	amendment_accepted: (data, { item }) => ({
		quote: str(data.quote),
		text: str(data.text),
		itemTitle: item(data.itemId)
	}),
	amendment_rejected: none,
	amendment_stale: none,
	phase_changed: (data, { item }) => ({ phase: str(data.phase), itemTitle: item(data.itemId) }),
	outcome_set: (data, { item }) => ({
		text: str(data.text),
		owner: str(data.owner),
		due: str(data.due),
		itemTitle: item(data.itemId)
	}),
	outcome_progress: (data, { item }) => ({
		text: str(data.text),
		status: str(data.status),
		itemTitle: item(data.itemId)
	}),
	text_hidden: none
} satisfies Record<EntryType, Projector>;

function publicData(type: string, data: Data, lookups: Lookups): Record<string, PublicValue> {
	if (!isEntryType(type)) return {};
	const context: ProjectionContext = {
		lookups,
		person: (id) => lookups.people.get(str(id) ?? '') ?? null,
		item: (id) => lookups.itemTitles.get(str(id) ?? '') ?? null
	};
	return PUBLIC_DATA[type](data, context);
}

function tallyOf(data: Data) {
	const tally = obj(data.tally);
	const result = obj(tally.result);
	return {
		passed: typeof result.passed === 'boolean' ? result.passed : null,
		checks: Array.isArray(result.checks) ? (result.checks as RuleCheck[]) : []
	};
}

export interface BuildInput {
	session: RecordSession;
	entries: readonly TranscriptEntryView[];
	head: string;
	votes: readonly VoteView[];
}

/**
 * Builds the public record. `mask` hides personal keys (the archive service's `mask`): named
 * ballots are keyed by participant or owner key, and only a masked form leaves the server.
 */
export function buildRecord(input: BuildInput, mask: (key: string) => string): ArchiveRecord {
	const { session, entries } = input;
	const lookups: Lookups = {
		people: new Map(),
		itemTitles: new Map(session.items.map((i) => [i.id, i.title])),
		voteOptions: new Map(input.votes.map((v) => [v.id, v.options]))
	};
	// Who is who: participant ids appear in later entries without their names.
	for (const e of entries) {
		const data = obj(e.data);
		const id = str(data.participantId);
		if (id && str(data.name)) {
			const known = lookups.people.get(id);
			lookups.people.set(id, {
				name: str(data.name)!,
				role: str(data.role) ?? known?.role ?? ''
			});
		}
		if (e.type === 'vote_created' && Array.isArray(data.options) && str(data.voteId)) {
			lookups.voteOptions.set(
				str(data.voteId)!,
				(data.options as { id: string; label: string }[]).filter((o) => o && o.id)
			);
		}
	}

	const publicEntries: PublicEntry[] = entries.map((e) => ({
		seq: e.seq,
		at: e.at,
		type: e.type,
		kind: kindOf(e.type),
		actor: actorOf(e.actor),
		data: publicData(e.type, obj(e.data), lookups)
	}));

	// Attendance by bloc, in order of arrival within each bloc.
	const blocs = new Map<string, string[]>();
	for (const e of entries) {
		if (e.type !== 'participant_joined') continue;
		const data = obj(e.data);
		const role = str(data.role) ?? '';
		const name = str(data.name) ?? '';
		if (!name) continue;
		const names = blocs.get(role) ?? [];
		if (!names.includes(name)) names.push(name);
		blocs.set(role, names);
	}
	const rank = (role: string) => {
		const at = BLOC_ORDER.indexOf(role);
		return at < 0 ? BLOC_ORDER.length : at;
	};
	const attendance = [...blocs.entries()]
		.sort(([a], [b]) => rank(a) - rank(b))
		.map(([role, names]) => ({ role, names }));

	// Minutes and statements; a minutes speaker gets the bloc of a participant of that name.
	const roleByName = new Map<string, string>();
	for (const p of lookups.people.values()) if (p.role) roleByName.set(p.name, p.role);
	const notes: RecordNote[] = [];
	for (const e of entries) {
		if (e.type !== 'minutes' && e.type !== 'statement') continue;
		const data = obj(e.data);
		const actor = actorOf(e.actor);
		const speaker = e.type === 'statement' ? actor.name : str(data.speaker);
		notes.push({
			seq: e.seq,
			at: e.at,
			type: e.type,
			speaker: speaker || null,
			bloc:
				e.type === 'statement' ? actor.role || null : (speaker && roleByName.get(speaker)) || null,
			recordedBy: actor.name,
			text: str(data.text) ?? '',
			itemTitle: lookups.itemTitles.get(str(data.itemId) ?? '') ?? null
		});
	}

	// Proposals: the last checkpoint of each item is its final text.
	const proposals = new Map<string, { text: string; at: string; authors: string[]; n: number }>();
	for (const e of entries) {
		if (e.type !== 'proposal_checkpoint') continue;
		const data = obj(e.data);
		const itemId = str(data.itemId);
		if (!itemId) continue;
		const before = proposals.get(itemId);
		proposals.set(itemId, {
			text: str(data.text) ?? '',
			at: e.at,
			authors: [...new Set([...(before?.authors ?? []), ...strings(data.authors)])],
			n: (before?.n ?? 0) + 1
		});
	}
	const items: RecordItem[] = session.items.map((i) => {
		const p = proposals.get(i.id);
		return {
			id: i.id,
			title: i.title,
			status: i.status,
			proposal: p ? { text: p.text, at: p.at, authors: p.authors, versions: p.n } : null
		};
	});

	// Votes: the stored result, with times and named ballots from the transcript.
	const voteEntries = new Map<string, { openedAt?: string; closedAt?: string; data?: Data }>();
	for (const e of entries) {
		if (e.type !== 'vote_opened' && e.type !== 'vote_closed') continue;
		const data = obj(e.data);
		const voteId = str(data.voteId);
		if (!voteId) continue;
		const found = voteEntries.get(voteId) ?? {};
		if (e.type === 'vote_opened') found.openedAt = e.at;
		else {
			found.closedAt = e.at;
			found.data = data;
		}
		voteEntries.set(voteId, found);
	}
	const votes: RecordVote[] = input.votes
		.filter((v) => v.status !== 'draft')
		.map((v) => {
			const seen = voteEntries.get(v.id) ?? {};
			const fromEntry = seen.data ? tallyOf(seen.data) : null;
			const result = v.current.result;
			const rawBallots = seen.data?.ballots;
			const ballots =
				v.secret || !Array.isArray(rawBallots)
					? null
					: rawBallots.map((raw) => {
							const b = obj(raw);
							return {
								voter: mask(str(b.voter) ?? ''),
								name: str(b.name),
								role: str(b.role),
								choice: choiceLabel(lookups, v.id, b.choice),
								paper: b.paper === true
							};
						});
			return {
				id: v.id,
				itemId: v.itemId,
				itemTitle: lookups.itemTitles.get(v.itemId) ?? '',
				question: v.question,
				secret: v.secret,
				eligibility: v.eligibility,
				rule: v.rule,
				status: v.status,
				openedAt: seen.openedAt ?? null,
				closedAt: seen.closedAt ?? null,
				counts: v.options.map((o) => ({
					id: o.id,
					label: o.label,
					headcount: v.current.counts?.[o.id]?.headcount ?? 0,
					area: v.current.counts?.[o.id]?.area ?? 0
				})),
				participation: v.current.participation,
				passed: result?.passed ?? fromEntry?.passed ?? null,
				winner: result?.winner ?? null,
				checks: result?.checks ?? fromEntry?.checks ?? [],
				ballots
			};
		});

	// Escalations and answers, on time when answered by the deadline.
	const escalations = new Map<string, RecordEscalation>();
	for (const e of entries) {
		const data = obj(e.data);
		const id = str(data.escalationId);
		if (!id) continue;
		if (e.type === 'escalated') {
			const itemId = str(data.itemId);
			escalations.set(id, {
				id,
				itemId,
				itemTitle: str(data.title) ?? lookups.itemTitles.get(itemId ?? '') ?? '',
				note: str(data.note) ?? '',
				at: e.at,
				deadline: str(data.deadline) ?? e.at,
				answer: null,
				answeredAt: null,
				onTime: null
			});
		} else if (e.type === 'escalation_answered') {
			const found = escalations.get(id);
			if (!found) continue;
			found.answer = str(data.answer);
			found.answeredAt = e.at;
			found.onTime = Date.parse(e.at) <= Date.parse(found.deadline);
		}
	}

	const first = entries.find((e) => e.type === 'session_created') ?? entries[0];
	// (No findLast: WeChat's XWeb is Chrome 87.)
	const closed = [...entries].reverse().find((e) => e.type === 'session_closed');
	return {
		session: {
			id: session.id,
			title: session.title,
			kind: session.kind,
			status: session.status,
			communityId: session.communityId,
			openedAt: first?.at ?? null,
			closedAt: closed?.at ?? null
		},
		head: input.head,
		entryCount: entries.length,
		items,
		attendance,
		notes,
		votes,
		escalations: [...escalations.values()],
		entries: publicEntries
	};
}

/** Item statuses and the current item after the first `upTo` entries (for the replay). */
export function stateAt(
	items: readonly { id: string; title: string }[],
	entries: readonly PublicEntry[],
	upTo: number
): { items: { id: string; title: string; status: string }[]; currentItemId: string | null } {
	const state = new Map(items.map((i) => [i.id, { id: i.id, title: i.title, status: 'pending' }]));
	let currentItemId: string | null = null;
	for (const e of entries.slice(0, upTo)) {
		const itemId = typeof e.data.itemId === 'string' ? e.data.itemId : null;
		if (e.type === 'session_created') currentItemId = items[0]?.id ?? null;
		const item = itemId ? state.get(itemId) : undefined;
		if (e.type === 'item_status' && item) item.status = String(e.data.to ?? item.status);
		if (e.type === 'current_item' && itemId) currentItemId = itemId;
		if (e.type === 'session_closed') currentItemId = null;
	}
	return { items: [...state.values()], currentItemId };
}

/** A row of the archive's timeline: one entry, or a run of comings and goings folded into one. */
export type TimelineRow =
	{ kind: 'entry'; entry: PublicEntry } | { kind: 'presence'; entries: PublicEntry[] };

const PRESENCE = new Set(['participant_online', 'participant_offline']);
/** Runs shorter than this stay as they are: folding two lines saves nothing. */
export const PRESENCE_FOLD_MIN = 3;

/**
 * [ARCHIVE-FOLD] Runs of consecutive online/offline entries become one folded row, so a meeting's
 * page shows what was said and decided, not hundreds of phones reconnecting; each run keeps
 * every entry (opened on demand), and joins, speeches and votes are never folded.
 */
export function foldPresence(entries: readonly PublicEntry[]): TimelineRow[] {
	const rows: TimelineRow[] = [];
	let run: PublicEntry[] = [];
	const flush = () => {
		if (run.length >= PRESENCE_FOLD_MIN) rows.push({ kind: 'presence', entries: run });
		else for (const entry of run) rows.push({ kind: 'entry', entry });
		run = [];
	};
	for (const entry of entries) {
		if (PRESENCE.has(entry.type)) {
			run.push(entry);
			continue;
		}
		flush();
		rows.push({ kind: 'entry', entry });
	}
	flush();
	return rows;
}
