/**
 * Words of the escalation pages (上报街道, street inbox): case statuses, the steps valid for a
 * status, and transcript entries told as one line each. Pure, so the pages stay about layout.
 */
import { m } from '$lib/paraglide/messages.js';
import { itemStatusLabel } from '$lib/components/meeting/format';
import { roleLabel } from '$lib/components/role-labels';
import type { ItemView } from '$lib/protocol';

export const CASE_STATUSES = [
	'submitted',
	'accepted',
	'in_progress',
	'answered',
	'closed'
] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export type CaseStep = 'accept' | 'start' | 'answer' | 'close';

const STATUS_LABELS: Record<CaseStatus, () => string> = {
	submitted: m.street_status_submitted,
	accepted: m.street_status_accepted,
	in_progress: m.street_status_in_progress,
	answered: m.street_status_answered,
	closed: m.street_status_closed
};

export function caseStatusLabel(status: string): string {
	return STATUS_LABELS[status as CaseStatus]?.() ?? status;
}

/** The one step the street office can take from a status (none once closed). */
export function nextStep(status: string): CaseStep | null {
	switch (status) {
		case 'submitted':
			return 'accept';
		case 'accepted':
			return 'start';
		case 'in_progress':
			return 'answer';
		case 'answered':
			return 'close';
		default:
			return null;
	}
}

const STEP_LABELS: Record<CaseStep, () => string> = {
	accept: m.street_step_accept,
	start: m.street_step_start,
	answer: m.street_step_answer,
	close: m.street_step_close
};

export const stepLabel = (step: CaseStep) => STEP_LABELS[step]();

/** Who the street office may invite (约请) into a consultation, in the order offered. */
export const CONSULT_ROLES = ['expert', 'enterprise', 'property', 'resident'] as const;
export type ConsultRole = (typeof CONSULT_ROLES)[number];

const CONSULT_ROLE_LABELS: Record<ConsultRole, () => string> = {
	expert: m.street_invite_role_expert,
	enterprise: m.street_invite_role_enterprise,
	property: m.street_invite_role_property,
	resident: m.street_invite_role_resident
};

export const consultRoleLabel = (role: ConsultRole) => CONSULT_ROLE_LABELS[role]();

export function isConsultRole(role: string): role is ConsultRole {
	return (CONSULT_ROLES as readonly string[]).includes(role);
}

const DELIVERY_LABELS: Record<string, () => string> = {
	pending: m.street_delivery_pending,
	delivered: m.street_delivery_delivered,
	failed: m.street_delivery_failed
};

export const deliveryStatusLabel = (status: string) => DELIVERY_LABELS[status]?.() ?? status;

// ---- transcript entries ----

const ENTRY_LABELS: Record<string, () => string> = {
	session_created: m.street_entry_session_created,
	participant_joined: m.street_entry_participant_joined,
	statement: m.street_entry_statement,
	minutes: m.street_entry_minutes,
	item_status: m.street_entry_item_status,
	current_item: m.street_entry_current_item,
	agenda_reordered: m.street_entry_agenda_reordered,
	settings_changed: m.street_entry_settings_changed,
	hand_raised: m.street_entry_hand_raised,
	hand_lowered: m.street_entry_hand_lowered,
	floor_given: m.street_entry_floor_given,
	floor_ended: m.street_entry_floor_ended,
	vote_created: m.street_entry_vote_created,
	vote_opened: m.street_entry_vote_opened,
	vote_closed: m.street_entry_vote_closed,
	paper_ballot: m.street_entry_paper_ballot,
	seat_claimed: m.street_entry_seat_claimed,
	seat_released: m.street_entry_seat_released,
	proposal_checkpoint: m.street_entry_proposal_checkpoint,
	escalated: m.street_entry_escalated,
	escalation_answered: m.street_entry_escalation_answered,
	session_closed: m.street_entry_session_closed,
	consultation_opened: m.street_entry_consultation_opened,
	case_submitted: m.street_entry_case_submitted,
	case_accepted: m.street_entry_case_accepted,
	case_in_progress: m.street_entry_case_in_progress,
	case_answered: m.street_entry_case_answered,
	case_closed: m.street_entry_case_closed
};

/** Kinds a reader looks for first: what was said, written down and decided. */
const SUBSTANTIVE = new Set([
	'statement',
	'minutes',
	'vote_closed',
	'proposal_checkpoint',
	'escalated',
	'escalation_answered',
	'case_submitted',
	'case_answered'
]);

export interface EntryInput {
	seq: number;
	at: string;
	type: string;
	actor: unknown;
	data: unknown;
	hash: string;
}

export interface EntryLine {
	seq: number;
	at: string;
	type: string;
	/** What happened, in the reader's language ("发言", "表决结束"). */
	label: string;
	/** Who did it, with their bloc ("王阿姨 · 居民"); null for the system. */
	who: string | null;
	/** The bloc of the actor, for a badge colour; null for the system. */
	role: string | null;
	/** The words of the entry, when it has any (a statement, minutes, a result). */
	text: string | null;
	substantive: boolean;
	hash: string;
}

function field(data: unknown, key: string): unknown {
	return data && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
}

function str(data: unknown, key: string): string | null {
	const value = field(data, key);
	return typeof value === 'string' && value !== '' ? value : null;
}

const ITEM_STATUSES = new Set(['pending', 'discussing', 'voting', 'resolved', 'unresolved']);

function itemStatus(value: unknown): string {
	return typeof value === 'string' && ITEM_STATUSES.has(value)
		? itemStatusLabel(value as ItemView['status'])
		: String(value ?? '');
}

function entryText(type: string, data: unknown): string | null {
	switch (type) {
		case 'session_created':
		case 'current_item':
			return str(data, 'title');
		case 'participant_joined': {
			const name = str(data, 'name');
			const role = str(data, 'role');
			return name ? (role ? `${name}（${roleLabel(role)}）` : name) : null;
		}
		case 'statement':
			return str(data, 'text');
		case 'minutes': {
			const text = str(data, 'text');
			const speaker = str(data, 'speaker');
			return text && speaker ? `${speaker}：${text}` : text;
		}
		case 'item_status':
			return `${str(data, 'title') ?? ''} ${m.street_entry_status_change({
				from: itemStatus(field(data, 'from')),
				to: itemStatus(field(data, 'to'))
			})}`.trim();
		case 'hand_raised':
		case 'hand_lowered':
		case 'floor_given':
			return str(data, 'name');
		case 'vote_created':
		case 'vote_opened':
			return str(data, 'question');
		case 'vote_closed': {
			const question = str(data, 'question') ?? '';
			const result = field(field(data, 'tally'), 'result');
			const passed = field(result, 'passed');
			if (typeof passed !== 'boolean') return question;
			return m.street_entry_vote_result({
				question,
				result: passed ? m.street_vote_passed() : m.street_vote_failed()
			});
		}
		case 'proposal_checkpoint':
			return str(data, 'title');
		case 'escalated':
		case 'case_submitted':
			return str(data, 'note');
		case 'escalation_answered':
		case 'case_answered':
			return str(data, 'answer');
		default:
			return null;
	}
}

/** One transcript entry as a readable line. */
export function entryLine(entry: EntryInput): EntryLine {
	const name = str(entry.actor, 'name');
	const role = str(entry.actor, 'role');
	const system = role === 'system' || !name;
	return {
		seq: entry.seq,
		at: entry.at,
		type: entry.type,
		label: ENTRY_LABELS[entry.type]?.() ?? entry.type,
		who: system ? null : role ? `${name} · ${roleLabel(role)}` : name,
		role: system ? null : role,
		text: entryText(entry.type, entry.data),
		substantive: SUBSTANTIVE.has(entry.type),
		hash: entry.hash
	};
}
