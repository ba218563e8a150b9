import { describe, expect, it } from 'vitest';
import { deadlineFrom, isOverdue, reminderDue, step } from './escalation';

describe('escalation workflow', () => {
	it('[ESC-1] moves one step at a time: submitted → accepted → in_progress → answered → closed', () => {
		expect(step('submitted', 'accept')).toEqual({ ok: true, status: 'accepted' });
		expect(step('accepted', 'start')).toEqual({ ok: true, status: 'in_progress' });
		expect(step('in_progress', 'answer')).toEqual({ ok: true, status: 'answered' });
		expect(step('answered', 'close')).toEqual({ ok: true, status: 'closed' });
	});

	it('[ESC-2] refuses a step out of order', () => {
		expect(step('submitted', 'answer')).toEqual({ ok: false, error: 'invalid_transition' });
		expect(step('accepted', 'accept')).toEqual({ ok: false, error: 'invalid_transition' });
		expect(step('closed', 'start')).toEqual({ ok: false, error: 'invalid_transition' });
	});

	it('[ESC-3] the deadline is the street response time after submission (4 h by default)', () => {
		const at = new Date('2026-11-22T09:30:00+08:00');
		expect(deadlineFrom(at, 4).toISOString()).toBe('2026-11-22T05:30:00.000Z');
	});

	it('[ESC-4] a case is overdue past its deadline until answered; a late answer stays marked late', () => {
		const deadline = new Date('2026-11-22T05:30:00Z');
		const before = new Date('2026-11-22T05:29:59Z');
		const after = new Date('2026-11-22T05:30:01Z');
		expect(isOverdue('accepted', deadline, null, before)).toBe(false);
		expect(isOverdue('accepted', deadline, null, after)).toBe(true);
		expect(isOverdue('answered', deadline, before, after)).toBe(false);
		expect(isOverdue('answered', deadline, after, after)).toBe(true);
	});
});

describe('reminders to the street', () => {
	const deadline = new Date('2026-12-03T12:00:00Z');
	const open = {
		status: 'accepted' as const,
		deadline,
		answeredAt: null,
		dueSoonToldAt: null,
		overdueToldAt: null
	};
	const at = (iso: string) => new Date(iso);

	it('[ESC-REMIND-1] within the hour before the deadline the street is told once', () => {
		expect(reminderDue(open, at('2026-12-03T10:59:00Z'))).toBe(null);
		expect(reminderDue(open, at('2026-12-03T11:00:00Z'))).toBe('due_soon');
		expect(reminderDue({ ...open, dueSoonToldAt: deadline }, at('2026-12-03T11:30:00Z'))).toBe(
			null
		);
	});
	it('[ESC-REMIND-2] past the deadline unanswered it is told once that the case is overdue', () => {
		expect(reminderDue(open, at('2026-12-03T12:00:01Z'))).toBe('overdue');
		expect(reminderDue({ ...open, dueSoonToldAt: deadline }, at('2026-12-03T13:00:00Z'))).toBe(
			'overdue'
		);
		expect(reminderDue({ ...open, overdueToldAt: deadline }, at('2026-12-03T13:00:00Z'))).toBe(
			null
		);
	});
	it('[ESC-REMIND-2] an answered or closed case is never a reminder', () => {
		const later = at('2026-12-04T00:00:00Z');
		expect(reminderDue({ ...open, status: 'answered', answeredAt: later }, later)).toBe(null);
		expect(reminderDue({ ...open, status: 'closed' }, later)).toBe(null);
	});
});
