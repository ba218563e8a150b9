/**
 * Pure rules of the raise-hands cycle (意见征集—举手立项—居民全过程参与—公示评价, REFERENCE.md §6):
 * when the committee must answer an opinion, when it is overdue, whether enough hands are up to
 * make it a project, whether the public notice is open, and how ratings are checked and averaged.
 * Times are absolute instants; Asia/Shanghai is only how they are shown.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Ranges a community may set (PATCH /api/v1/communities/:id). */
export const HAND_THRESHOLD_RANGE = { min: 1, max: 1000 } as const;
export const RESPONSE_HOURS_RANGE = { min: 1, max: 24 * 14 } as const;
export const NOTICE_DAYS_RANGE = { min: 1, max: 30 } as const;
export const PROJECT_SESSION_DAYS = 7;

/** The answer is due exactly `hours` after the opinion was posted (一日三巡: 4 h by default). */
export function deadlineOf(createdAt: Date, hours: number): Date {
	return new Date(createdAt.getTime() + hours * HOUR_MS);
}

/** Overdue: nobody from the committee answered and the deadline has passed. */
export function isOverdue(o: { deadline: Date; respondedAt: Date | null }, now: Date): boolean {
	return o.respondedAt === null && now.getTime() > o.deadline.getTime();
}

/** Milliseconds left to answer (0 once passed or answered). */
export function timeLeftMs(o: { deadline: Date; respondedAt: Date | null }, now: Date): number {
	if (o.respondedAt) return 0;
	return Math.max(0, o.deadline.getTime() - now.getTime());
}

export interface ThresholdCheck {
	ok: boolean;
	/** Hands still needed (0 when enough). */
	missing: number;
	message: string;
}

/** Enough hands to become a project: hands ≥ threshold. */
export function handThreshold(hands: number, threshold: number): ThresholdCheck {
	const missing = Math.max(0, threshold - hands);
	return {
		ok: missing === 0,
		missing,
		message:
			missing === 0
				? `${hands} hands raised, the threshold of ${threshold} is reached`
				: `${missing} more ${missing === 1 ? 'hand is' : 'hands are'} needed (${hands} of ${threshold})`
	};
}

export type NoticeState = 'none' | 'open' | 'closed';

/**
 * The public notice (公示) runs from its start (inclusive) to its end (exclusive): a rating sent
 * at the very instant the notice ends is too late.
 */
export function noticeState(
	p: { noticeStartsAt: Date | null; noticeEndsAt: Date | null },
	now: Date
): NoticeState {
	if (!p.noticeStartsAt || !p.noticeEndsAt) return 'none';
	const t = now.getTime();
	if (t < p.noticeStartsAt.getTime()) return 'none';
	return t < p.noticeEndsAt.getTime() ? 'open' : 'closed';
}

export function noticeWindow(now: Date, days: number): { startsAt: Date; endsAt: Date } {
	return { startsAt: now, endsAt: new Date(now.getTime() + days * DAY_MS) };
}

/** Stars are a whole number from 1 to 5. */
export function validStars(stars: unknown): stars is number {
	return typeof stars === 'number' && Number.isInteger(stars) && stars >= 1 && stars <= 5;
}

/** Average of the stars rounded to one decimal (half up); null when nobody rated. */
export function averageRating(stars: number[]): { average: number | null; count: number } {
	if (stars.length === 0) return { average: null, count: 0 };
	const sum = stars.reduce((a, b) => a + b, 0);
	// Integer arithmetic: sum*10/count rounded, so 4.25 → 4.3 without float surprises.
	const tenths = Math.round((sum * 10) / stars.length + 1e-9);
	return { average: tenths / 10, count: stars.length };
}

const SHANGHAI = new Intl.DateTimeFormat('en-CA', {
	timeZone: 'Asia/Shanghai',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	hourCycle: 'h23'
});

/** `YYYY-MM-DD HH:mm` in Asia/Shanghai (UTC+8, no daylight saving), as residents read it. */
export function shanghaiTime(at: Date): string {
	const parts = Object.fromEntries(SHANGHAI.formatToParts(at).map((p) => [p.type, p.value]));
	return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}
