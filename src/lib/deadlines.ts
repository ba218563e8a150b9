/**
 * Deadlines in China Standard Time (UTC+8, no daylight saving since 1991). Residents read and
 * type times as Shanghai wall-clock time whatever the server's or phone's time zone is, so the
 * arithmetic here uses the fixed offset and never the host's zone (shared by server and pages).
 */

export const SHANGHAI_OFFSET_MINUTES = 8 * 60;
const OFFSET_MS = SHANGHAI_OFFSET_MINUTES * 60_000;
const DAY_MS = 24 * 3_600_000;

/** How long before its end a session announces that it closes soon (once). */
export const CLOSING_SOON_MS = DAY_MS;

const LOCAL_INPUT = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;
const WITH_OFFSET =
	/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * A `datetime-local` value ("2026-11-25T07:30") read as Shanghai time → ISO in UTC. A value
 * that already carries an offset ("…Z", "…+09:00") keeps its own. Null when it is not a time.
 */
export function parseShanghaiInput(value: string): string | null {
	const text = value.trim();
	if (WITH_OFFSET.test(text)) {
		const ms = Date.parse(text);
		return Number.isNaN(ms) ? null : new Date(ms).toISOString();
	}
	const m = LOCAL_INPUT.exec(text);
	if (!m) return null;
	const [y, mo, d, h, mi, s] = m.slice(1).map((p) => Number(p ?? 0)) as number[];
	const utc = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
	const back = new Date(utc);
	// Reject 2026-02-30 and 25:00 rather than rolling them over.
	if (back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d! || h! > 23 || mi! > 59)
		return null;
	return new Date(utc - OFFSET_MS).toISOString();
}

/** The Shanghai wall-clock fields of an instant. */
export function shanghaiParts(at: Date | string) {
	const shifted = new Date(new Date(at).getTime() + OFFSET_MS);
	return {
		year: shifted.getUTCFullYear(),
		month: shifted.getUTCMonth() + 1,
		day: shifted.getUTCDate(),
		weekday: shifted.getUTCDay(),
		hour: shifted.getUTCHours(),
		minute: shifted.getUTCMinutes()
	};
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The value a `datetime-local` input shows for an instant, in Shanghai time. */
export function toShanghaiInput(at: Date | string): string {
	const p = shanghaiParts(at);
	return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}`;
}

/** The Shanghai calendar day of an instant, `YYYY-MM-DD`. */
export function shanghaiDate(at: Date | string): string {
	const p = shanghaiParts(at);
	return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The instants a Shanghai calendar day (`YYYY-MM-DD`) starts and ends at; null if malformed. */
export function shanghaiDayRange(date: string): { start: Date; end: Date } | null {
	const start = parseShanghaiInput(`${date}T00:00`);
	if (!start) return null;
	const s = new Date(start);
	return { start: s, end: new Date(s.getTime() + DAY_MS) };
}

const WEEKDAYS: Record<string, string[]> = {
	'zh-CN': ['周日', '周一', '周二', '周三', '周四', '周五', '周六'],
	'zh-TW': ['週日', '週一', '週二', '週三', '週四', '週五', '週六'],
	en: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
};
const MONTHS_EN = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ');

/** "11月25日 周三 20:00" (or "Wed 25 Nov 20:00"): a deadline as residents say it. */
export function formatShanghai(at: Date | string, locale = 'zh-CN'): string {
	const p = shanghaiParts(at);
	const time = `${pad(p.hour)}:${pad(p.minute)}`;
	if (locale === 'en')
		return `${WEEKDAYS.en![p.weekday]} ${p.day} ${MONTHS_EN[p.month - 1]} ${time}`;
	const days = WEEKDAYS[locale] ?? WEEKDAYS['zh-CN']!;
	return `${p.month}月${p.day}日 ${days[p.weekday]} ${time}`;
}

/** Whole days, hours and minutes left (rounded up to the minute); null once it has passed. */
export function timeLeft(until: Date | string, now: Date | number) {
	const ms = new Date(until).getTime() - new Date(now).getTime();
	if (ms <= 0) return null;
	const minutes = Math.ceil(ms / 60_000);
	return {
		days: Math.floor(minutes / 1440),
		hours: Math.floor((minutes % 1440) / 60),
		minutes: minutes % 60
	};
}

/** Whether an end lies in the coming 24 hours (and has not passed). */
export function closingSoon(closesAt: Date | string, now: Date | number): boolean {
	const left = new Date(closesAt).getTime() - new Date(now).getTime();
	return left > 0 && left <= CLOSING_SOON_MS;
}

/** When the "closes within 24 h" notice falls due. */
export function closingSoonAt(closesAt: Date): Date {
	return new Date(closesAt.getTime() - CLOSING_SOON_MS);
}

export type WindowError =
	| 'closes_at_required'
	| 'closes_at_in_past'
	| 'closes_at_before_opens_at'
	| 'closes_at_after_session_end'
	| 'closes_at_not_later';

/** A cloud session's time window: ends in the future and after it opens. */
export function checkSessionWindow(
	w: { opensAt?: Date | null; closesAt?: Date | null },
	now: Date
): WindowError | null {
	if (!w.closesAt) return 'closes_at_required';
	if (w.closesAt.getTime() <= now.getTime()) return 'closes_at_in_past';
	if (w.opensAt && w.closesAt.getTime() <= w.opensAt.getTime()) return 'closes_at_before_opens_at';
	return null;
}

/** A new end for a session: later than now and than the current end. */
export function checkExtension(current: Date | null, next: Date, now: Date): WindowError | null {
	if (next.getTime() <= now.getTime()) return 'closes_at_in_past';
	if (current && next.getTime() <= current.getTime()) return 'closes_at_not_later';
	return null;
}

/**
 * A vote's deadline: in the future, and — in a session with an end — not after it (we refuse
 * rather than clamp, so the moderator sees the conflict instead of a silently moved time).
 */
export function checkVoteDeadline(
	closesAt: Date,
	sessionClosesAt: Date | null,
	now: Date
): WindowError | null {
	if (closesAt.getTime() <= now.getTime()) return 'closes_at_in_past';
	if (sessionClosesAt && closesAt.getTime() > sessionClosesAt.getTime())
		return 'closes_at_after_session_end';
	return null;
}

/** Whether a session with this start has opened at `now` (no start: open from creation). */
export function hasOpened(opensAt: Date | string | null | undefined, now: Date | number): boolean {
	return !opensAt || new Date(opensAt).getTime() <= new Date(now).getTime();
}
