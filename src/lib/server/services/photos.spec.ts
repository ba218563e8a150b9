import { describe, expect, it } from 'vitest';
import { checkPhoto, MAX_PHOTO_BYTES, sniffImage } from './photos';

const bytes = (...b: number[]) => new Uint8Array(b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('photo checks', () => {
	it('recognises JPEG, PNG and WebP by their first bytes', () => {
		expect(sniffImage(bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
		expect(sniffImage(bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
		expect(sniffImage(bytes(...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WEBP')))).toBe('image/webp');
	});
	it('refuses anything else, whatever it claims to be', () => {
		expect(sniffImage(bytes(...ascii('GIF89a')))).toBeNull();
		expect(sniffImage(bytes(...ascii('<svg xmlns=')))).toBeNull();
		expect(sniffImage(bytes(...ascii('RIFF'), 0, 0, 0, 0, ...ascii('WAVE')))).toBeNull();
		expect(sniffImage(bytes(0xff, 0xd8))).toBeNull();
		expect(() => checkPhoto(bytes(...ascii('<html>')))).toThrow(/JPEG, PNG or WebP/);
	});
	it('takes 3 MB exactly, not one byte more', () => {
		const ok = new Uint8Array(MAX_PHOTO_BYTES);
		ok.set([0xff, 0xd8, 0xff]);
		expect(checkPhoto(ok)).toBe('image/jpeg');
		const big = new Uint8Array(MAX_PHOTO_BYTES + 1);
		big.set([0xff, 0xd8, 0xff]);
		expect(() => checkPhoto(big)).toThrow(/larger than 3 MB/);
		expect(() => checkPhoto(new Uint8Array(0))).toThrow(/no photo/);
	});
});
