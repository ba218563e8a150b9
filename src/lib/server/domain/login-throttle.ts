/**
 * The sign-in throttle's rules: slow guessing down, never lock people out. After OWASP's
 * "Slow Down Online Guessing Attacks with Device Cookies"
 * (https://owasp.org/www-community/Slow_Down_Online_Guessing_Attacks_with_Device_Cookies):
 *
 * - A device that signed in to the account before (its `yishi_device` cookie) is judged on its
 *   own failures only: a stranger failing on the account, or a hall sharing one address, never
 *   keeps the moderator out before a vote. A device that fails too often there is treated as
 *   unknown from then on.
 * - From unknown devices an account has a few free failures an hour; after them each failure
 *   asks for a wait twice as long as the one before, up to a cap. A person who mistypes waits
 *   seconds; a guesser gets a handful of tries an hour.
 * - An address gets many failures an hour (a community hall or a street office is one address
 *   behind NAT for a hundred people) before it waits; again only for unknown devices.
 */

/** [THROTTLE-1] Failures an account takes from unknown devices in a window before any wait. */
export const FREE_ACCOUNT_FAILURES = 5;
/** [THROTTLE-1] The window the failures of an account or an address are counted in. */
export const FAILURE_WINDOW_SECONDS = 3600;
/** [THROTTLE-2] The longest wait an account asks of unknown devices. */
export const MAX_ACCOUNT_WAIT_SECONDS = 15 * 60;
/** [THROTTLE-3] Failures from one address in the window before it waits (a hall shares one). */
export const ADDRESS_FAILURES = 100;
/** [THROTTLE-3] How long an address that went over waits. */
export const ADDRESS_WAIT_SECONDS = 15 * 60;
/** [THROTTLE-4] Failures a known device may make in its window before it counts as unknown. */
export const DEVICE_FAILURES = 10;
export const DEVICE_WINDOW_SECONDS = 15 * 60;

/**
 * [THROTTLE-2] The wait (seconds) an account asks of unknown devices after its `failures`-th
 * failure in the window: none for the free ones, then 1, 2, 4, … seconds, at most the cap.
 */
export function waitAfterFailures(failures: number): number {
	const over = failures - FREE_ACCOUNT_FAILURES;
	if (over <= 0) return 0;
	return Math.min(2 ** (over - 1), MAX_ACCOUNT_WAIT_SECONDS);
}
