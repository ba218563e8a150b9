/**
 * Words of the public record: what each transcript entry means in a sentence, bloc and kind
 * names, reasons for a proposal checkpoint, and dates in China Standard Time. Shared by the
 * archive page, the printed minutes and the Markdown export.
 */
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import { formatDuration, itemStatusLabel } from '$lib/components/meeting/format';
import { roleLabel } from '$lib/components/role-labels';
import type {
	ItemStatus,
	PublicActor,
	PublicEntry,
	TimelineKind
} from '$lib/protocol/public-record';
import { STANCE_LOOK } from '$lib/components/comments/stance';
import type { Stance } from '$lib/protocol';
import { isEntryType, type EntryType } from '$lib/protocol/transcript';
import { formatYuan } from '$lib/components/cost/format';

const BLOC_LABELS: Record<string, () => string> = {
	resident: m.bloc_resident,
	owner: m.bloc_owner,
	property: m.bloc_property,
	enterprise: m.bloc_enterprise,
	expert: m.bloc_expert,
	observer: m.bloc_observer,
	moderator: m.bloc_moderator,
	admin: m.bloc_admin,
	clerk: m.bloc_clerk,
	street: m.bloc_street,
	system: m.archive_system
};

/** The bloc badge of a role: 居民, 物业, 驻区单位… */
export function blocLabel(role: string | null | undefined): string {
	if (!role) return '';
	return BLOC_LABELS[role]?.() ?? roleLabel(role);
}

const KIND_LABELS: Record<TimelineKind, () => string> = {
	speech: m.archive_kind_speech,
	minutes: m.archive_kind_minutes,
	agenda: m.archive_kind_agenda,
	floor: m.archive_kind_floor,
	vote: m.archive_kind_vote,
	proposal: m.archive_kind_proposal,
	escalation: m.archive_kind_escalation,
	attendance: m.archive_kind_attendance
};

export const timelineKindLabel = (kind: TimelineKind) => KIND_LABELS[kind]();

export const sessionKindLabel = (kind: string) =>
	kind === 'cloud' ? m.archive_kind_cloud() : m.archive_kind_live();

const STATUSES = new Set(['pending', 'discussing', 'voting', 'resolved', 'unresolved']);

/** An item status in words; an unknown one shows as its code. */
export function statusLabel(status: string | null | undefined): string {
	if (!status) return '';
	return STATUSES.has(status) ? itemStatusLabel(status as ItemStatus) : status;
}

const SEARCH_KINDS: Record<string, () => string> = {
	session: m.archive_search_kind_session,
	item: m.archive_search_kind_item,
	proposal: m.archive_search_kind_proposal,
	minutes: m.archive_search_kind_minutes,
	statement: m.archive_search_kind_statement,
	answer: m.archive_search_kind_answer,
	comment: m.outcomes_search_kind_comment,
	opinion: m.outcomes_search_kind_opinion,
	project: m.outcomes_search_kind_project
};

export const searchKindLabel = (kind: string) => SEARCH_KINDS[kind]?.() ?? kind;

/** Why a proposal checkpoint was written. */
export function reasonLabel(reason: string | null | undefined): string {
	if (!reason) return '';
	if (reason === 'periodic') return m.archive_reason_periodic();
	if (reason === 'session_closed') return m.archive_reason_session_closed();
	if (reason === 'escalated') return m.archive_reason_escalated();
	if (reason.startsWith('status:'))
		return m.archive_reason_status({ status: statusLabel(reason.slice('status:'.length)) });
	return reason;
}

/** The actor's name; the system speaks as 系统. */
export function actorName(actor: PublicActor): string {
	return actor.role === 'system' ? m.archive_system() : actor.name;
}

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** Names joined as a Chinese list: 王阿姨、刘经理. */
export const joinNames = (names: readonly string[]) =>
	names.join(getLocale() === 'en' ? ', ' : '、');

type Words = (data: PublicEntry['data'], who: string, entry: PublicEntry) => string;

/**
 * One sentence for each entry type, e.g. 王阿姨（居民）加入 or 议题“加装电梯”：讨论中 → 已通过.
 * Keyed by every entry type, so a new type is not shown as its code.
 */
const ENTRY_WORDS = {
	session_created: (d) => m.archive_entry_session_created({ title: text(d.title) }),
	participant_joined: (d, who, entry) =>
		m.archive_entry_participant_joined({
			name: text(d.name) || who,
			bloc: blocLabel(text(d.role) || entry.actor.role)
		}),
	participant_online: (_d, who) => m.archive_entry_participant_online({ name: who }),
	participant_offline: (_d, who) => m.archive_entry_participant_offline({ name: who }),
	item_status: (d) =>
		m.archive_entry_item_status({
			title: text(d.title),
			from: statusLabel(text(d.from)),
			to: statusLabel(text(d.to))
		}),
	current_item: (d) => m.archive_entry_current_item({ title: text(d.title) }),
	agenda_reordered: () => m.archive_entry_agenda_reordered(),
	settings_changed: () => m.archive_entry_settings_changed(),
	hand_raised: (d, who) => {
		const name = text(d.name) || who;
		const sentence =
			d.kind === 'point_of_order'
				? m.archive_entry_hand_raised_order({ name })
				: m.archive_entry_hand_raised({ name });
		return d.onBehalf ? `${sentence}${m.archive_entry_on_behalf()}` : sentence;
	},
	hand_lowered: (d, who) => m.archive_entry_hand_lowered({ name: text(d.name) || who }),
	floor_given: (d) => {
		const name = text(d.name);
		const bloc = blocLabel(text(d.role));
		return typeof d.limitSeconds === 'number' && d.limitSeconds > 0
			? m.archive_entry_floor_given_limit({
					name,
					bloc,
					limit: formatDuration(d.limitSeconds)
				})
			: m.archive_entry_floor_given({ name, bloc });
	},
	floor_ended: (d) =>
		m.archive_entry_floor_ended({
			name: text(d.name),
			duration: formatDuration(typeof d.seconds === 'number' ? d.seconds : 0)
		}),
	seat_claimed: (d, who) => m.archive_entry_seat_claimed({ name: text(d.name) || who }),
	seat_released: (d) => m.archive_entry_seat_released({ name: text(d.name) }),
	vote_created: (d) => m.archive_entry_vote_created({ question: text(d.question) }),
	vote_opened: (d) => m.archive_entry_vote_opened({ question: text(d.question) }),
	vote_closed: (d) =>
		m.archive_entry_vote_closed({
			question: text(d.question),
			result: resultLabel(typeof d.passed === 'boolean' ? d.passed : null)
		}),
	paper_ballot: (d) =>
		d.choice
			? m.archive_entry_paper_ballot_choice({ choice: text(d.choice) })
			: m.archive_entry_paper_ballot(),
	statement: (_d, who, entry) =>
		m.archive_entry_statement({ name: who, bloc: blocLabel(entry.actor.role) }),
	comment_added: (d, who, entry) => {
		const stance = STANCE_LOOK[text(d.stance) as Stance]?.label() ?? text(d.stance);
		const args = { name: who, bloc: blocLabel(entry.actor.role), stance };
		return d.reply ? m.comments_entry_replied(args) : m.comments_entry_added(args);
	},
	comment_resolved: (_d, who) => m.comments_entry_resolved({ name: who }),
	comment_reopened: (_d, who) => m.comments_entry_reopened({ name: who }),
	minutes: (d) =>
		d.speaker
			? m.archive_entry_minutes({ speaker: text(d.speaker) })
			: m.archive_entry_minutes_plain(),
	proposal_checkpoint: (d) =>
		m.archive_entry_proposal_checkpoint({
			title: text(d.title),
			reason: reasonLabel(text(d.reason))
		}),
	escalated: (d) =>
		m.archive_entry_escalated({
			title: text(d.title),
			deadline: d.deadline ? formatDateTime(text(d.deadline)) : ''
		}),
	escalation_answered: (d) => m.archive_entry_escalation_answered({ title: text(d.title) }),
	session_closed: () => m.archive_entry_session_closed(),
	session_extended: () => m.archive_entry_session_extended(),
	participant_muted: (_d, who) => m.archive_entry_participant_muted({ name: who }),
	participant_unmuted: (_d, who) => m.archive_entry_participant_unmuted({ name: who }),
	participant_removed: (_d, who) => m.archive_entry_participant_removed({ name: who }),
	case_submitted: () => m.archive_entry_case_submitted(),
	case_accepted: () => m.archive_entry_case_accepted(),
	case_in_progress: () => m.archive_entry_case_in_progress(),
	case_answered: () => m.archive_entry_case_answered(),
	case_closed: () => m.archive_entry_case_closed(),
	consultation_opened: () => m.archive_entry_consultation_opened(),
	notice_published: (d) => m.owners_entry_notice({ title: text(d.title) }),
	proxy_appointed: (d) =>
		m.owners_entry_proxy_appointed({ seats: typeof d.seats === 'number' ? d.seats : 0 }),
	proxy_accepted: () => m.owners_entry_proxy_accepted(),
	proxy_confirmed: () => m.owners_entry_proxy_confirmed(),
	proxy_revoked: () => m.owners_entry_proxy_revoked(),
	ballot_by_proxy: (d) =>
		m.owners_entry_ballot_by_proxy({ seats: typeof d.seats === 'number' ? d.seats : 0 }),
	vote_announced: () => m.owners_entry_announced(),
	cost_scheme_created: (d) =>
		m.cost_entry_scheme_created({
			title: text(d.title),
			total: typeof d.total === 'number' ? formatYuan(d.total) : ''
		}),
	cost_scheme_chosen: (d) =>
		d.voteId
			? m.cost_entry_scheme_chosen({ title: text(d.title), hash: text(d.tableHash).slice(0, 12) })
			: m.cost_entry_scheme_chosen_by_hand({
					title: text(d.title),
					hash: text(d.tableHash).slice(0, 12)
				}),
	cost_collection_recorded: (d) =>
		(d.paid === true ? m.cost_entry_collection_paid : m.cost_entry_collection_unpaid)({
			title: text(d.title),
			paid: typeof d.paidHouseholds === 'number' ? d.paidHouseholds : 0,
			households: typeof d.households === 'number' ? d.households : 0
		}),

	amendment_proposed: (d, who) =>
		m.outcomes_entry_amendment_proposed({ name: who, quote: text(d.quote), text: text(d.text) }),
	amendment_supported: (_d, who) => m.outcomes_entry_amendment_supported({ name: who }),
	amendment_accepted: (d) =>
		m.outcomes_entry_amendment_accepted({ quote: text(d.quote), text: text(d.text) }),
	amendment_rejected: () => m.outcomes_entry_amendment_rejected(),
	amendment_stale: () => m.outcomes_entry_amendment_stale(),
	phase_changed: (d) =>
		d.phase === 'amending' ? m.outcomes_phase_amending() : m.outcomes_phase_drafting(),
	outcome_set: (d) => m.outcomes_entry_outcome_set({ text: text(d.text) }),
	outcome_progress: (d) => m.outcomes_entry_outcome_progress({ text: text(d.text) }),
	text_hidden: (d, who) =>
		m.trust_entry_text_hidden({ name: who, reason: typeof d.reason === 'string' ? d.reason : '' })
} satisfies Record<EntryType, Words>;

/** One sentence for an entry; a type this version does not know is named as such. */
export function describeEntry(entry: PublicEntry): string {
	if (!isEntryType(entry.type)) return m.archive_entry_other({ type: entry.type });
	const words: Words = ENTRY_WORDS[entry.type];
	return words(entry.data, actorName(entry.actor), entry);
}

/** The text an entry carries (a statement, minutes, a proposal, a note or an answer). */
export function entryBody(entry: PublicEntry): string | null {
	const d = entry.data;
	const body =
		entry.type === 'escalated' ? d.note : entry.type === 'escalation_answered' ? d.answer : d.text;
	return typeof body === 'string' && body !== '' ? body : null;
}

export function resultLabel(passed: boolean | null): string {
	return passed === null
		? m.archive_vote_no_result()
		: passed
			? m.archive_vote_passed()
			: m.archive_vote_failed();
}

const zone = 'Asia/Shanghai';

/** 2025/3/14 09:05 in China Standard Time, wherever the reader is. */
export function formatDateTime(iso: string): string {
	return new Intl.DateTimeFormat(getLocale(), {
		timeZone: zone,
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: '2-digit',
		minute: '2-digit',
		hourCycle: 'h23'
	}).format(new Date(iso));
}

export function formatDate(iso: string): string {
	return new Intl.DateTimeFormat(getLocale(), {
		timeZone: zone,
		year: 'numeric',
		month: 'numeric',
		day: 'numeric'
	}).format(new Date(iso));
}

/** 09:05:12 — the timeline's clock. */
export function formatTime(iso: string): string {
	return new Intl.DateTimeFormat(getLocale(), {
		timeZone: zone,
		hour: '2-digit',
		minute: '2-digit',
		second: '2-digit',
		hourCycle: 'h23'
	}).format(new Date(iso));
}

/** When a session ran: one day → "2025/3/14 09:00 至 11:30"; several → both dates. */
export function heldLabel(openedAt: string | null, closedAt: string | null): string {
	if (!openedAt) return '';
	if (!closedAt) return formatDateTime(openedAt);
	const sameDay = formatDate(openedAt) === formatDate(closedAt);
	const end = sameDay
		? new Intl.DateTimeFormat(getLocale(), {
				timeZone: zone,
				hour: '2-digit',
				minute: '2-digit',
				hourCycle: 'h23'
			}).format(new Date(closedAt))
		: formatDateTime(closedAt);
	return m.archive_held({ start: formatDateTime(openedAt), end });
}

/** A snippet cut into plain and matching parts, so a page can mark the match without HTML. */
/** The snippet cut at the server's highlight ranges ([start, end) offsets of words found). */
export function rangeParts(
	snippet: string,
	ranges: readonly (readonly [number, number])[]
): { text: string; match: boolean }[] {
	const parts: { text: string; match: boolean }[] = [];
	let from = 0;
	for (const [a, b] of ranges) {
		if (a < from || b > snippet.length || b <= a) continue;
		if (a > from) parts.push({ text: snippet.slice(from, a), match: false });
		parts.push({ text: snippet.slice(a, b), match: true });
		from = b;
	}
	if (from < snippet.length) parts.push({ text: snippet.slice(from), match: false });
	return parts;
}

export function highlightParts(snippet: string, q: string): { text: string; match: boolean }[] {
	const needle = q.trim().toLowerCase();
	if (!needle) return [{ text: snippet, match: false }];
	const parts: { text: string; match: boolean }[] = [];
	const lower = snippet.toLowerCase();
	let from = 0;
	// Lower-casing can change lengths outside ASCII; fall back to no marking then.
	if (lower.length !== snippet.length) return [{ text: snippet, match: false }];
	for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, from)) {
		if (at > from) parts.push({ text: snippet.slice(from, at), match: false });
		parts.push({ text: snippet.slice(at, at + needle.length), match: true });
		from = at + needle.length;
	}
	if (from < snippet.length) parts.push({ text: snippet.slice(from), match: false });
	return parts;
}

/** The first `max` characters of a text, on one line, with an ellipsis when cut. */
export function excerpt(text: string, max = 120): string {
	const chars = [...text.replace(/\s+/g, ' ').trim()];
	return chars.length > max ? `${chars.slice(0, max).join('')}…` : chars.join('');
}
