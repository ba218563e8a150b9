import { m } from '$lib/paraglide/messages.js';

/** "3 小时 20 分" / "20 分钟": time left, rounded up to the minute. */
export function hoursLeft(ms: number): string {
	const minutes = Math.max(0, Math.ceil(ms / 60_000));
	const h = Math.floor(minutes / 60);
	const min = minutes % 60;
	return h > 0 ? m.opinions_left_hm({ h, m: min }) : m.opinions_left_m({ m: min });
}

/** "2 天 5 小时" for longer spans (a public notice), falling back to hours and minutes. */
export function daysLeft(ms: number): string {
	const hours = Math.floor(Math.max(0, ms) / 3_600_000);
	if (hours < 24) return hoursLeft(ms);
	return m.projects_left_dh({ d: Math.floor(hours / 24), h: hours % 24 });
}

/**
 * A ticking "now" on the server's clock: the page brings the server's time, and the browser
 * keeps the offset (the server clock may be moved in tests, and phones' clocks drift).
 */
export function serverClock(serverNowIso: string) {
	const offset = Date.parse(serverNowIso) - Date.now();
	return () => Date.now() + offset;
}
