/**
 * The escalation workflow (上报街道): submitted → accepted → in_progress → answered → closed,
 * one step at a time, each by the street office. A deadline per case from the street's
 * response time; a case not answered by then is overdue.
 */
export const ESCALATION_STATUSES = [
	'submitted',
	'accepted',
	'in_progress',
	'answered',
	'closed'
] as const;
export type EscalationStatus = (typeof ESCALATION_STATUSES)[number];
export type EscalationStep = 'accept' | 'start' | 'answer' | 'close';

const STEPS: Record<EscalationStep, { from: EscalationStatus; to: EscalationStatus }> = {
	accept: { from: 'submitted', to: 'accepted' },
	start: { from: 'accepted', to: 'in_progress' },
	answer: { from: 'in_progress', to: 'answered' },
	close: { from: 'answered', to: 'closed' }
};

export function step(
	status: EscalationStatus,
	action: EscalationStep
): { ok: true; status: EscalationStatus } | { ok: false; error: 'invalid_transition' } {
	const rule = STEPS[action];
	return status === rule.from
		? { ok: true, status: rule.to }
		: { ok: false, error: 'invalid_transition' };
}

export function deadlineFrom(submittedAt: Date, responseHours: number): Date {
	return new Date(submittedAt.getTime() + responseHours * 3_600_000);
}

/** Overdue: past the deadline and not yet answered (an answered case is on time for good). */
export function isOverdue(
	status: EscalationStatus,
	deadline: Date,
	answeredAt: Date | null,
	now: Date
): boolean {
	if (answeredAt) return answeredAt.getTime() > deadline.getTime();
	return status !== 'closed' && now.getTime() > deadline.getTime();
}

/** [ESC-REMIND-1] The street is reminded this long before a case's answer is due. */
export const DUE_SOON_MS = 3_600_000;

export type CaseReminder = 'due_soon' | 'overdue';

/**
 * [ESC-REMIND-1] [ESC-REMIND-2] What the street should be told about a case now, if anything:
 * once within the hour before its deadline, once when it passes unanswered. An answered or
 * closed case needs no reminder; a case already overdue when first seen is told only that.
 */
export function reminderDue(
	c: {
		status: EscalationStatus;
		deadline: Date;
		answeredAt: Date | null;
		dueSoonToldAt: Date | null;
		overdueToldAt: Date | null;
	},
	now: Date
): CaseReminder | null {
	if (c.answeredAt || c.status === 'answered' || c.status === 'closed') return null;
	const left = c.deadline.getTime() - now.getTime();
	if (left < 0) return c.overdueToldAt ? null : 'overdue';
	if (left <= DUE_SOON_MS) return c.dueSoonToldAt ? null : 'due_soon';
	return null;
}
