import { describe, expect, it } from 'vitest';
import { blocShares, overShare } from './floor-shares';

describe('bloc shares of the floor', () => {
	it('[QUOTA-1] used = finished turns + the running turn of that bloc; left never below 0', () => {
		const now = new Date('2026-12-03T10:05:00Z');
		const shares = blocShares(
			{ resident: 600, property: 300 },
			{ resident: 400, property: 320, enterprise: 100 },
			{ role: 'resident', startedAt: new Date('2026-12-03T10:02:00Z') },
			now
		);
		expect(shares).toEqual([
			{ bloc: 'resident', quota: 600, used: 580, left: 20, over: false },
			{ bloc: 'property', quota: 300, used: 320, left: 0, over: true }
		]);
	});

	it('[QUOTA-2] a bloc is over once it used its whole share; blocs without a share never are', () => {
		expect(overShare({ resident: 600 }, { resident: 600 }, 'resident')).toBe(true);
		expect(overShare({ resident: 600 }, { resident: 599 }, 'resident')).toBe(false);
		expect(overShare({ resident: 600 }, { enterprise: 9999 }, 'enterprise')).toBe(false);
	});
});
