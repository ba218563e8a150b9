import { RateLimiterRes } from 'rate-limiter-flexible';
import { sharedLimiter } from '../cluster/limiter';
import {
	ADDRESS_FAILURES,
	ADDRESS_WAIT_SECONDS,
	DEVICE_FAILURES,
	DEVICE_WINDOW_SECONDS,
	FAILURE_WINDOW_SECONDS,
	waitAfterFailures
} from '../domain/login-throttle';

/**
 * The sign-in throttle (rules and reasons in domain/login-throttle.ts), counted with
 * rate-limiter-flexible: in memory on one node, in Redis when several nodes share `REDIS_URL`
 * (cluster/limiter.ts), so the bounds hold for the deployment. Only failures are counted.
 */

/** The cookie that marks a device which signed in before: a random token, kept as its hash. */
export const DEVICE_COOKIE = 'yishi_device';

const accountFailures = sharedLimiter({
	keyPrefix: 'login_account_failures',
	points: Number.MAX_SAFE_INTEGER,
	duration: FAILURE_WINDOW_SECONDS
});
/** Blocked (by `block`) for the wait the account's last failure asked for. */
const accountWait = sharedLimiter({ keyPrefix: 'login_account_wait', points: 1, duration: 1 });
const addressFailures = sharedLimiter({
	keyPrefix: 'login_address_failures',
	points: ADDRESS_FAILURES,
	duration: FAILURE_WINDOW_SECONDS,
	blockDuration: ADDRESS_WAIT_SECONDS
});
const deviceFailures = sharedLimiter({
	keyPrefix: 'login_device_failures',
	points: DEVICE_FAILURES,
	duration: DEVICE_WINDOW_SECONDS
});

export type LimitResult = { ok: true } | { ok: false; retryAfterSeconds: number };

const secondsLeft = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/** A limiter that is over its points rejects with its state; the count is what we wanted. */
const counted = (rejection: unknown): RateLimiterRes => {
	if (rejection instanceof RateLimiterRes) return rejection;
	throw rejection;
};

/** Whether a device that signed in to the account before still counts as known. */
export async function deviceInGoodStanding(device: string): Promise<boolean> {
	const res = await deviceFailures.get(device);
	return !res || res.consumedPoints < DEVICE_FAILURES;
}

/** May a sign-in be tried now? A known device is never held back by failures from elsewhere. */
export async function mayTry(
	account: string,
	address: string,
	known: boolean
): Promise<LimitResult> {
	if (known) return { ok: true };
	const [wait, fromAddress] = await Promise.all([
		accountWait.get(account),
		addressFailures.get(address)
	]);
	const waits: number[] = [];
	if (wait && wait.consumedPoints > 1) waits.push(secondsLeft(wait));
	if (fromAddress && fromAddress.consumedPoints > ADDRESS_FAILURES)
		waits.push(secondsLeft(fromAddress));
	return waits.length ? { ok: false, retryAfterSeconds: Math.max(...waits) } : { ok: true };
}

/** Counts a failure: against the known device alone, or against the account and the address. */
export async function failed(account: string, address: string, knownDevice: string | null) {
	if (knownDevice) {
		await deviceFailures.consume(knownDevice).catch(counted);
		return;
	}
	const [failures] = await Promise.all([
		accountFailures.consume(account).catch(counted),
		addressFailures.consume(address).catch(counted)
	]);
	const wait = waitAfterFailures(failures.consumedPoints);
	if (wait > 0) await accountWait.block(account, wait);
}

/**
 * A success: from an unknown device it ends the account's waits (whoever waited them out knew
 * the password); from a known device only that device's count is cleared, so the owner signing
 * in does not hand a guesser a fresh set of free tries.
 */
export async function succeeded(account: string, knownDevice: string | null): Promise<void> {
	if (knownDevice) await deviceFailures.delete(knownDevice);
	else await Promise.all([accountFailures.delete(account), accountWait.delete(account)]);
}
