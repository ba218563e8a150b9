import { afterEach, describe, expect, it } from 'vitest';
import {
	checkExtension,
	checkSessionWindow,
	checkVoteDeadline,
	closingSoon,
	formatShanghai,
	hasOpened,
	parseShanghaiInput,
	shanghaiDate,
	shanghaiDayRange,
	timeLeft,
	toShanghaiInput
} from './deadlines';

const originalTz = process.env.TZ;
afterEach(() => {
	process.env.TZ = originalTz;
});

describe('Shanghai wall-clock input', () => {
	it('reads a datetime-local value as UTC+8, across the UTC date line', () => {
		expect(parseShanghaiInput('2026-11-25T07:30')).toBe('2026-11-24T23:30:00.000Z');
		expect(parseShanghaiInput('2026-11-25T20:00')).toBe('2026-11-25T12:00:00.000Z');
		expect(parseShanghaiInput('2027-01-01T00:00')).toBe('2026-12-31T16:00:00.000Z');
	});

	it('gives the same instant whatever the host time zone (no DST in Shanghai)', () => {
		for (const tz of ['America/New_York', 'Europe/Berlin', 'UTC', 'Asia/Tokyo']) {
			process.env.TZ = tz;
			// Dates either side of a US/EU daylight-saving switch.
			expect(parseShanghaiInput('2026-03-08T02:30')).toBe('2026-03-07T18:30:00.000Z');
			expect(parseShanghaiInput('2026-10-25T02:30')).toBe('2026-10-24T18:30:00.000Z');
			expect(formatShanghai('2026-11-24T23:30:00Z')).toBe('11月25日 周三 07:30');
		}
	});

	it('keeps an explicit offset as given', () => {
		expect(parseShanghaiInput('2026-11-25T07:30+09:00')).toBe('2026-11-24T22:30:00.000Z');
		expect(parseShanghaiInput('2026-11-25T07:30:00Z')).toBe('2026-11-25T07:30:00.000Z');
		expect(parseShanghaiInput('2026-11-25T07:30:00.000-05:00')).toBe('2026-11-25T12:30:00.000Z');
	});

	it('refuses what is not a time', () => {
		for (const bad of ['', 'tomorrow', '2026-02-30T10:00', '2026-11-25T24:10', '2026-11-25']) {
			expect(parseShanghaiInput(bad)).toBeNull();
		}
	});

	it('round-trips through the input format and names the Shanghai day', () => {
		expect(toShanghaiInput('2026-11-24T23:30:00Z')).toBe('2026-11-25T07:30');
		expect(shanghaiDate('2026-11-24T16:00:00Z')).toBe('2026-11-25');
		expect(shanghaiDate('2026-11-24T15:59:59Z')).toBe('2026-11-24');
		const day = shanghaiDayRange('2026-11-25')!;
		expect(day.start.toISOString()).toBe('2026-11-24T16:00:00.000Z');
		expect(day.end.toISOString()).toBe('2026-11-25T16:00:00.000Z');
		expect(shanghaiDayRange('25/11/2026')).toBeNull();
	});
});

describe('formatting deadlines', () => {
	it('says month, day, weekday and time in each language', () => {
		expect(formatShanghai('2026-11-25T12:00:00Z')).toBe('11月25日 周三 20:00');
		expect(formatShanghai('2026-11-25T12:00:00Z', 'zh-TW')).toBe('11月25日 週三 20:00');
		expect(formatShanghai('2026-11-25T12:00:00Z', 'en')).toBe('Wed 25 Nov 20:00');
	});

	it('counts down in days, hours and minutes, rounding up', () => {
		const now = Date.parse('2026-11-23T12:00:00Z');
		expect(timeLeft('2026-11-25T14:30:00Z', now)).toEqual({ days: 2, hours: 2, minutes: 30 });
		expect(timeLeft('2026-11-23T12:00:01Z', now)).toEqual({ days: 0, hours: 0, minutes: 1 });
		expect(timeLeft('2026-11-23T12:00:00Z', now)).toBeNull();
	});

	it('knows when an end is within 24 hours', () => {
		const now = new Date('2026-11-23T12:00:00Z');
		expect(closingSoon('2026-11-24T12:00:00Z', now)).toBe(true);
		expect(closingSoon('2026-11-24T12:00:01Z', now)).toBe(false);
		expect(closingSoon('2026-11-23T11:59:59Z', now)).toBe(false);
	});
});

describe('validating windows', () => {
	const now = new Date('2026-11-23T12:00:00Z');
	const at = (iso: string) => new Date(iso);

	it('a cloud session needs an end in the future, after its start', () => {
		expect(checkSessionWindow({ closesAt: null }, now)).toBe('closes_at_required');
		expect(checkSessionWindow({ closesAt: at('2026-11-23T11:00:00Z') }, now)).toBe(
			'closes_at_in_past'
		);
		expect(
			checkSessionWindow(
				{ opensAt: at('2026-11-26T00:00:00Z'), closesAt: at('2026-11-25T00:00:00Z') },
				now
			)
		).toBe('closes_at_before_opens_at');
		expect(
			checkSessionWindow(
				{ opensAt: at('2026-11-24T00:00:00Z'), closesAt: at('2026-11-30T00:00:00Z') },
				now
			)
		).toBeNull();
	});

	it('an extension moves the end later, never back', () => {
		const end = at('2026-11-30T00:00:00Z');
		expect(checkExtension(end, at('2026-11-29T00:00:00Z'), now)).toBe('closes_at_not_later');
		expect(checkExtension(end, at('2026-11-22T00:00:00Z'), now)).toBe('closes_at_in_past');
		expect(checkExtension(end, at('2026-12-02T00:00:00Z'), now)).toBeNull();
	});

	it('a vote deadline lies in the future and within the session', () => {
		const end = at('2026-11-30T00:00:00Z');
		expect(checkVoteDeadline(at('2026-11-23T11:00:00Z'), end, now)).toBe('closes_at_in_past');
		expect(checkVoteDeadline(at('2026-12-01T00:00:00Z'), end, now)).toBe(
			'closes_at_after_session_end'
		);
		expect(checkVoteDeadline(at('2026-11-25T00:00:00Z'), end, now)).toBeNull();
		expect(checkVoteDeadline(at('2026-12-25T00:00:00Z'), null, now)).toBeNull();
	});

	it('a session with a start is not open before it', () => {
		expect(hasOpened(null, now)).toBe(true);
		expect(hasOpened('2026-11-24T00:00:00Z', now)).toBe(false);
		expect(hasOpened('2026-11-23T12:00:00Z', now)).toBe(true);
	});
});
