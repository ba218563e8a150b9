import { describe, expect, it } from 'vitest';
import { mask } from './archive';

describe('archive masking', () => {
	it('[ARCH-1] keeps the start of a personal key and hides the rest', () => {
		expect(mask('owner-017')).toBe('owner-***');
		expect(mask('D栋1203')).toBe('D栋12**');
		expect(mask('a')).toBe('a');
	});
});
