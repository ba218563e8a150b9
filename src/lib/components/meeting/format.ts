/**
 * Words and numbers of the meeting as participants and the projector see them: durations,
 * shares, areas, decision-rule checks and who may vote. Pure, so components stay about layout.
 */
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';
import type { Choice, ItemView, RoomState, RuleCheck, SeatView, VoteView } from '$lib/protocol';

const ITEM_STATUS_LABELS: Record<ItemView['status'], () => string> = {
	pending: m.item_status_pending,
	discussing: m.item_status_discussing,
	voting: m.item_status_voting,
	resolved: m.item_status_resolved,
	unresolved: m.item_status_unresolved
};

export const itemStatusLabel = (status: ItemView['status']) => ITEM_STATUS_LABELS[status]();

/** "1:05", or "1:02:05" past the hour; never negative (the caller says "over time"). */
export function formatDuration(totalSeconds: number): string {
	const s = Math.max(0, Math.floor(totalSeconds));
	const hours = Math.floor(s / 3600);
	const minutes = Math.floor((s % 3600) / 60);
	const seconds = String(s % 60).padStart(2, '0');
	return hours > 0
		? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}`
		: `${minutes}:${seconds}`;
}

/** A share (0…1) with one decimal: 0.7123 → "71.2%". */
export function formatPercent(share: number): string {
	return new Intl.NumberFormat(getLocale(), {
		style: 'percent',
		minimumFractionDigits: 1,
		maximumFractionDigits: 1
	}).format(share);
}

/** m² with two decimals, as the register states them. */
export function formatArea(area: number): string {
	return new Intl.NumberFormat(getLocale(), {
		minimumFractionDigits: 2,
		maximumFractionDigits: 2
	}).format(area);
}

export const seatLabel = (seat: Pick<SeatView, 'building' | 'unit' | 'proxy'>) =>
	`${seat.building} ${seat.unit}${seat.proxy ? m.owners_seat_proxy_suffix() : ''}`;

const CHECK_LABELS: Record<string, () => string> = {
	yes_over_no: m.rule_check_yes_over_no,
	quorum: m.rule_check_quorum,
	yes_of_cast: m.rule_check_yes_of_cast,
	yes_of_eligible: m.rule_check_yes_of_eligible,
	participation_area: m.rule_check_participation_area,
	participation_owners: m.rule_check_participation_owners,
	yes_area: m.rule_check_yes_area,
	yes_owners: m.rule_check_yes_owners
};

/** Checks whose `part` and `whole` are areas in integer hundredths of m². */
export const AREA_CHECKS = new Set(['participation_area', 'yes_area']);

/** A rule check's name in the reader's language (参与面积, 同意人数 …). */
export const checkLabel = (name: string): string => CHECK_LABELS[name]?.() ?? name;

export interface CheckLine {
	label: string;
	/** What was measured: "71.2%", or for a majority the yes count. */
	measured: string;
	/** The bound as the rule states it: "≥ 2/3", "> 1/2", "> 5". */
	required: string;
	/** The exact numbers compared: "13,650.20 / 19,170.40 m²" or "130 / 192". */
	detail: string;
	ok: boolean;
}

/** One check of a result, e.g. 参与面积 71.2% ≥ 2/3 ✓ (the bound printed as the rule says it). */
export function checkLine(check: RuleCheck): CheckLine {
	const label = checkLabel(check.name);
	if (check.name === 'yes_over_no') {
		// `required` is "> <no>": the yes count against the no count, not a share.
		return {
			label,
			measured: String(check.part),
			required: check.required,
			detail: '',
			ok: check.ok
		};
	}
	const detail = AREA_CHECKS.has(check.name)
		? `${formatArea(check.part / 100)} / ${formatArea(check.whole / 100)} m²`
		: `${check.part} / ${check.whole}`;
	return {
		label,
		measured: formatPercent(check.value),
		required: check.required,
		detail,
		ok: check.ok
	};
}

/** The labels of chosen options, in the vote's order. */
/** A ballot in words: options joined; ranked in order (甲 > 乙); scores as 甲 5 分. */
export function choiceText(vote: Pick<VoteView, 'options' | 'kind'>, choice: Choice): string {
	const label = (id: string) => vote.options.find((o) => o.id === id)?.label ?? id;
	if (!Array.isArray(choice))
		return vote.options
			.filter((o) => o.id in choice)
			.map((o) => `${o.label} ${choice[o.id]}`)
			.join('、');
	if (vote.kind === 'ranked') return choice.map(label).join(' > ');
	return vote.options
		.filter((o) => choice.includes(o.id))
		.map((o) => o.label)
		.join('、');
}

export type VoterStanding = 'eligible' | 'need_seat' | 'view_only';

const STAFF = new Set(['admin', 'moderator', 'clerk']);

/**
 * Whether this person votes in a vote, as far as the page can tell. The server decides (it
 * froze eligibility at opening); this only chooses between a form, a seat prompt and a view.
 */
export function standing(
	state: Pick<RoomState, 'me'>,
	vote: Pick<VoteView, 'eligibility'>
): VoterStanding {
	const { me } = state;
	if (!me.canWrite || STAFF.has(me.role)) return 'view_only';
	if (vote.eligibility === 'participants') {
		return me.role === 'resident' || me.role === 'owner' ? 'eligible' : 'view_only';
	}
	return me.seats.length > 0 ? 'eligible' : 'need_seat';
}

/** Open votes this person could vote in and has not (the 待投票 count). */
export function pendingVotes(state: Pick<RoomState, 'me' | 'votes' | 'myBallots'>): VoteView[] {
	return state.votes.filter(
		(v) => v.status === 'open' && !state.myBallots[v.id] && standing(state, v) !== 'view_only'
	);
}

/** The vote a big screen should show: the open one (newest), else the last closed one. */
export function featuredVote(
	votes: readonly VoteView[],
	currentItemId: string | null
): VoteView | null {
	const open = votes.filter((v) => v.status === 'open');
	if (open.length) return open[open.length - 1]!;
	const closed = votes.filter((v) => v.status === 'closed' && v.itemId === currentItemId);
	return closed[closed.length - 1] ?? null;
}
