/**
 * Words and numbers of the moderator console: item statuses, decision rules and their checks,
 * error codes and register errors in the reader's language. Pure, so the console's components
 * stay about layout.
 */
import { m } from '$lib/paraglide/messages.js';
import type { ErrorBody, ItemView, Rule, RuleCheck, VoteView } from '$lib/protocol';
import {
	AREA_CHECKS,
	checkLabel,
	formatArea,
	formatDuration,
	formatPercent,
	itemStatusLabel
} from '../meeting/format';

// One set of formatters for the console, the room and the projector.
export { checkLabel, formatArea, formatDuration, formatPercent, itemStatusLabel };

export type ItemStatus = ItemView['status'];

export const ITEM_STATUSES: readonly ItemStatus[] = [
	'pending',
	'discussing',
	'voting',
	'resolved',
	'unresolved'
];

// ---- decision rules ----

export function ruleLabel(rule: Rule): string {
	switch (rule.kind) {
		case 'majority_cast':
			return m.console_rule_majority();
		case 'threshold': {
			const base =
				rule.base === 'cast' ? m.console_rule_base_cast() : m.console_rule_base_eligible();
			const text = m.console_rule_threshold_summary({ ratio: rule.ratio, base });
			return rule.quorum
				? `${text} · ${m.console_rule_quorum_summary({ quorum: rule.quorum })}`
				: text;
		}
		case 'civil_code_278':
			return rule.matter === 'major'
				? m.console_rule_278_major_summary()
				: m.console_rule_278_ordinary_summary();
		case 'none':
			return m.console_rule_none();
	}
}

/**
 * One line of a result, e.g. "参与面积 71.2% ≥ 2/3 ✓". Majority compares counts, not a share:
 * its `required` is "> <no>", so the line reads "同意多于反对 12 > 5 ✓".
 */
export function formatCheck(check: RuleCheck): string {
	const mark = check.ok ? '✓' : '✗';
	const measured = check.name === 'yes_over_no' ? String(check.part) : formatPercent(check.value);
	return `${checkLabel(check.name)} ${measured} ${check.required} ${mark}`;
}

/** The exact numbers a check compared: "7,123.50 / 10,000.00 m²" or "130 / 192". */
export function checkDetail(check: RuleCheck): string {
	if (check.name === 'yes_over_no') {
		return m.console_check_detail_majority({ yes: check.part, no: check.whole - check.part });
	}
	if (AREA_CHECKS.has(check.name)) {
		return `${formatArea(check.part / 100)} / ${formatArea(check.whole / 100)} m²`;
	}
	return `${check.part} / ${check.whole}`;
}

// ---- errors ----

const ERROR_LABELS: Record<string, () => string> = {
	network: m.console_error_network,
	unauthorized: m.console_error_unauthorized,
	forbidden: m.console_error_forbidden,
	session_closed: m.console_error_session_closed,
	queue_empty: m.console_error_queue_empty,
	nobody_speaking: m.console_error_nobody_speaking,
	already_queued: m.console_error_already_queued,
	not_queued: m.console_error_not_queued,
	already_speaking: m.console_error_already_speaking,
	participant_not_found: m.console_error_participant_not_found,
	item_not_found: m.console_error_item_not_found,
	vote_not_found: m.console_error_vote_not_found,
	invalid_transition: m.console_error_invalid_transition,
	no_eligible_voters: m.console_error_no_eligible_voters,
	vote_not_open: m.console_error_vote_not_open,
	vote_closed: m.console_error_vote_closed,
	already_voted: m.console_error_already_voted,
	household_not_found: m.console_error_household_not_found,
	seat_free: m.console_error_seat_free,
	community_not_found: m.console_error_community_not_found,
	payload_too_large: m.console_error_too_large,
	proxy_cap: m.console_error_proxy_cap,
	photo_too_large: m.opinions_photo_too_large,
	photo_unsupported: m.opinions_photo_bad,
	photo_empty: m.opinions_photo_bad
};

/**
 * The reader-facing text of an action's error. The server speaks English to logs; an input
 * error keeps its detail (it names the field), anything unknown falls back to a generic line.
 */
export function errorText(error: ErrorBody): string {
	const known = ERROR_LABELS[error.code];
	if (known) return known();
	if (error.code === 'invalid_payload') return m.console_error_invalid({ detail: error.message });
	return m.console_error_generic({ code: error.code });
}

// ---- household register ----

/**
 * The register parser's messages (`domain/register.ts`) in the reader's language, one problem
 * at a time; a message this does not know is shown as the server wrote it.
 */
export function registerProblemText(message: string): string {
	return message
		.split('; ')
		.map((problem) => {
			let match: RegExpExecArray | null;
			if ((match = /^expected 4 columns .*found (\d+)$/.exec(problem))) {
				return m.console_register_error_columns({ found: match[1]! });
			}
			if ((match = /^expected 5 columns .*found (\d+)$/.exec(problem))) {
				return m.cost_register_error_columns_floor({ found: match[1]! });
			}
			if ((match = /^cannot tell the floor from unit "(.*)"/.exec(problem))) {
				return m.cost_register_error_floor_unit({ unit: match[1]! });
			}
			if ((match = /^floor "(.*)" must be/.exec(problem))) {
				return m.cost_register_error_floor_value({ value: match[1]! });
			}
			if (/^the first line must be exactly/.test(problem)) return m.console_register_error_header();
			if (/^no households after the header/.test(problem)) return m.console_register_error_empty();
			if (/^not valid CSV/.test(problem)) return m.console_register_error_csv();
			if (/^at most \d+ households/.test(problem)) return m.console_register_error_too_many();
			if (problem === 'building is empty or too long') return m.console_register_error_building();
			if (problem === 'unit is empty or too long') return m.console_register_error_unit();
			if (problem === 'owner is empty or too long') return m.console_register_error_owner();
			if ((match = /^area "(.*)" must be/.exec(problem))) {
				return m.console_register_error_area({ value: match[1]! });
			}
			if ((match = /^(.*) already appears on line (\d+)$/.exec(problem))) {
				return m.console_register_error_duplicate({ unit: match[1]!, line: match[2]! });
			}
			return problem;
		})
		.join('；');
}

// ---- votes ----

const YES_NO_ABSTAIN: Record<string, () => string> = {
	yes: m.console_vote_option_yes,
	no: m.console_vote_option_no,
	abstain: m.console_vote_option_abstain
};

/** The option's label; yes/no/abstain in the reader's language (the server stores Chinese). */
export function optionLabel(vote: Pick<VoteView, 'kind'>, option: { id: string; label: string }) {
	return (vote.kind === 'yes_no_abstain' && YES_NO_ABSTAIN[option.id]?.()) || option.label;
}

export function voteStatusLabel(status: VoteView['status']): string {
	return {
		draft: m.console_vote_status_draft,
		open: m.console_vote_status_open,
		closed: m.console_vote_status_closed
	}[status]();
}

export function voteKindLabel(kind: VoteView['kind']): string {
	return {
		yes_no_abstain: m.console_vote_kind_yes_no_abstain,
		single: m.console_vote_kind_single,
		multiple: m.console_vote_kind_multiple,
		ranked: m.console_vote_kind_ranked,
		score: m.console_vote_kind_score,
		approval: m.console_vote_kind_approval
	}[kind]();
}

/** Natural order for units: "2" before "10", "D栋" before "E栋". */
export const naturalCompare = new Intl.Collator('zh-CN', { numeric: true }).compare;
