import { describe, expect, it } from 'vitest';
import {
	averageRating,
	deadlineOf,
	handThreshold,
	isOverdue,
	noticeState,
	noticeWindow,
	shanghaiTime,
	timeLeftMs,
	validStars
} from './opinions';

describe('opinion deadline (一日三巡: answer within 4 hours)', () => {
	it('is exactly the response hours after posting, in absolute time', () => {
		const posted = new Date('2026-03-10T02:15:30.250Z');
		expect(deadlineOf(posted, 4).toISOString()).toBe('2026-03-10T06:15:30.250Z');
		expect(deadlineOf(posted, 24).toISOString()).toBe('2026-03-11T02:15:30.250Z');
	});

	it('crosses Shanghai midnight: posted 22:30 local, due 02:30 the next local day', () => {
		// 22:30 in Shanghai is 14:30 UTC the same date.
		const posted = new Date('2026-03-10T14:30:00Z');
		expect(shanghaiTime(posted)).toBe('2026-03-10 22:30');
		const due = deadlineOf(posted, 4);
		expect(due.toISOString()).toBe('2026-03-10T18:30:00.000Z');
		expect(shanghaiTime(due)).toBe('2026-03-11 02:30');
	});

	it('crosses the UTC date line: posted 06:00 local (22:00 UTC the day before)', () => {
		const posted = new Date('2026-03-09T22:00:00Z');
		expect(shanghaiTime(posted)).toBe('2026-03-10 06:00');
		const due = deadlineOf(posted, 4);
		expect(due.toISOString()).toBe('2026-03-10T02:00:00.000Z');
		expect(shanghaiTime(due)).toBe('2026-03-10 10:00');
	});

	it('crosses the year end in Shanghai while UTC is still in the old year', () => {
		const posted = new Date('2026-12-31T14:00:00Z'); // 22:00 on 31 Dec in Shanghai
		expect(shanghaiTime(deadlineOf(posted, 4))).toBe('2027-01-01 02:00');
	});
});

describe('overdue', () => {
	const deadline = new Date('2026-03-10T06:00:00Z');
	it('is not overdue at the deadline itself, overdue one millisecond after', () => {
		expect(isOverdue({ deadline, respondedAt: null }, deadline)).toBe(false);
		expect(isOverdue({ deadline, respondedAt: null }, new Date(deadline.getTime() + 1))).toBe(true);
	});
	it('an answered opinion is never overdue, even answered late', () => {
		const late = new Date(deadline.getTime() + 3_600_000);
		expect(isOverdue({ deadline, respondedAt: late }, new Date(late.getTime() + 1))).toBe(false);
	});
	it('time left counts down to zero', () => {
		const now = new Date(deadline.getTime() - 90 * 60_000);
		expect(timeLeftMs({ deadline, respondedAt: null }, now)).toBe(90 * 60_000);
		expect(timeLeftMs({ deadline, respondedAt: null }, new Date(deadline.getTime() + 5))).toBe(0);
		expect(timeLeftMs({ deadline, respondedAt: now }, now)).toBe(0);
	});
});

describe('raise-hands threshold (举手立项)', () => {
	it('9 of 10 is one short and says so', () => {
		const check = handThreshold(9, 10);
		expect(check.ok).toBe(false);
		expect(check.missing).toBe(1);
		expect(check.message).toContain('1 more hand');
	});
	it('10 of 10 is enough', () => {
		expect(handThreshold(10, 10)).toMatchObject({ ok: true, missing: 0 });
	});
	it('11 of 10 is enough', () => {
		expect(handThreshold(11, 10)).toMatchObject({ ok: true, missing: 0 });
	});
	it('counts the missing hands', () => {
		expect(handThreshold(0, 10)).toMatchObject({ ok: false, missing: 10 });
		expect(handThreshold(0, 10).message).toContain('10 more hands');
	});
});

describe('public notice (公示) window', () => {
	const now = new Date('2026-04-01T00:00:00Z');
	const { startsAt, endsAt } = noticeWindow(now, 7);
	const p = { noticeStartsAt: startsAt, noticeEndsAt: endsAt };
	it('lasts the given days', () => {
		expect(endsAt.toISOString()).toBe('2026-04-08T00:00:00.000Z');
	});
	it('is open from its first instant to just before its end', () => {
		expect(noticeState(p, startsAt)).toBe('open');
		expect(noticeState(p, new Date(endsAt.getTime() - 1))).toBe('open');
		expect(noticeState(p, endsAt)).toBe('closed');
		expect(noticeState(p, new Date(startsAt.getTime() - 1))).toBe('none');
	});
	it('is none before a notice was opened', () => {
		expect(noticeState({ noticeStartsAt: null, noticeEndsAt: null }, now)).toBe('none');
	});
});

describe('ratings', () => {
	it('accepts whole stars 1..5 only', () => {
		for (const s of [1, 2, 3, 4, 5]) expect(validStars(s)).toBe(true);
		for (const s of [0, 6, 2.5, -1, '5', null, Number.NaN]) expect(validStars(s)).toBe(false);
	});
	it('averages to one decimal, null when nobody rated', () => {
		expect(averageRating([])).toEqual({ average: null, count: 0 });
		expect(averageRating([5])).toEqual({ average: 5, count: 1 });
		expect(averageRating([4, 5])).toEqual({ average: 4.5, count: 2 });
		expect(averageRating([5, 4, 4])).toEqual({ average: 4.3, count: 3 });
		expect(averageRating([5, 5, 4])).toEqual({ average: 4.7, count: 3 });
		// 4.25 rounds half up to 4.3
		expect(averageRating([5, 4, 4, 4])).toEqual({ average: 4.3, count: 4 });
		expect(averageRating([1, 2])).toEqual({ average: 1.5, count: 2 });
	});
});
