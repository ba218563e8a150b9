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
