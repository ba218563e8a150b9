import { describe, expect, it } from 'vitest';
import {
	FREE_ACCOUNT_FAILURES,
	MAX_ACCOUNT_WAIT_SECONDS,
	waitAfterFailures
} from './login-throttle';

describe('sign-in throttle', () => {
	it('[THROTTLE-1] the first failures of an account cost nothing', () => {
		for (let n = 0; n <= FREE_ACCOUNT_FAILURES; n++) expect(waitAfterFailures(n)).toBe(0);
	});
	it('[THROTTLE-2] after them each failure doubles the wait, up to the cap', () => {
		const waits = [6, 7, 8, 9, 10].map(waitAfterFailures);
		expect(waits).toEqual([1, 2, 4, 8, 16]);
		expect(waitAfterFailures(15)).toBe(512);
		expect(waitAfterFailures(16)).toBe(MAX_ACCOUNT_WAIT_SECONDS);
		expect(waitAfterFailures(1000)).toBe(MAX_ACCOUNT_WAIT_SECONDS);
	});
	it('[THROTTLE-2] a guesser gets few tries an hour once at the cap', () => {
		let elapsed = 0;
		let tries = 0;
		for (let n = 1; elapsed < 3600; n++) {
			elapsed += waitAfterFailures(n);
			tries++;
		}
		expect(tries).toBeLessThan(25);
	});
});
