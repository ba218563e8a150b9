import { describe, expect, it } from 'vitest';
import { formatShortCode, parseSeatCode, SHORT_ALPHABET, shortCodeFrom } from './seat-code';

describe('short seat codes', () => {
	it('[SEAT-SHORT-1] the alphabet has no 0, O, 1 or I and 32 characters', () => {
		expect(SHORT_ALPHABET).toHaveLength(32);
		for (const c of '0O1I') expect(SHORT_ALPHABET).not.toContain(c);
	});

	it('[SEAT-SHORT-2] a code is 6 characters of the alphabet, spread over all of it', () => {
		const seen = new Set<string>();
		for (let b = 0; b < 256; b++) {
			const code = shortCodeFrom(new Uint8Array([b, b, b, b, b, b]));
			expect(code).toMatch(/^[23456789ABCDEFGHJKLMNPQRSTUVWXYZ]{6}$/);
			seen.add(code[0]!);
		}
		expect(seen.size).toBe(32);
	});

	it('[SEAT-SHORT-3] the slip prints building, unit and code', () => {
		expect(formatShortCode('D', '1203', 'K7QX9P')).toBe('D-1203-K7QX9P');
	});

	it('[SEAT-SHORT-4] typed short codes are read with or without building/unit, any case', () => {
		for (const typed of ['D-1203-K7QX9P', 'k7qx9p', ' d 1203 k7qx-9p ', 'K7QX9P']) {
			expect(parseSeatCode(typed)).toEqual({ kind: 'short', code: 'K7QX9P' });
		}
	});

	it('[SEAT-SHORT-5] the QR link and the long code stay long codes', () => {
		const long = 'abcdefghijklmnopqrstuvwxyz234567';
		expect(parseSeatCode(long)).toEqual({ kind: 'long', code: long });
		expect(parseSeatCode(`https://x.example/seat/${long.toUpperCase()}`)).toEqual({
			kind: 'long',
			code: long
		});
		expect(parseSeatCode('   ')).toBeNull();
	});
});
