import { formatShanghai, timeLeft } from '$lib/deadlines';
import { m } from '$lib/paraglide/messages.js';
import { getLocale } from '$lib/paraglide/runtime.js';

/** A deadline in Shanghai time in the reader's language ("11月25日 周三 20:00"). */
export function when(iso: string | Date): string {
	return formatShanghai(iso, getLocale());
}

/** "还剩 2 天 3 小时", or "已截止" once it has passed. */
export function leftText(until: string, nowMs: number): string {
	const left = timeLeft(until, nowMs);
	if (!left) return m.cloud_passed();
	if (left.days > 0) return m.cloud_left_days({ days: left.days, hours: left.hours });
	if (left.hours > 0) return m.cloud_left_hours({ hours: left.hours, minutes: left.minutes });
	return m.cloud_left_minutes({ minutes: left.minutes });
}

const WINDOW_ERRORS: Record<string, () => string> = {
	closes_at_required: m.cloud_error_closes_at_required,
	closes_at_in_past: m.cloud_error_closes_at_in_past,
	closes_at_before_opens_at: m.cloud_error_closes_at_before_opens_at,
	closes_at_after_session_end: m.cloud_error_closes_at_after_session_end,
	closes_at_not_later: m.cloud_error_closes_at_not_later,
	invalid_time: m.cloud_error_invalid_time
};

/** The message for a deadline rule the server (or the form) refused; null for other codes. */
export function windowErrorText(code: string): string | null {
	return WINDOW_ERRORS[code]?.() ?? null;
}
