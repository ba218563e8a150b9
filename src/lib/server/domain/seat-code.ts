/**
 * Short seat codes for typing by hand: building + unit + 6 characters from an alphabet without
 * the look-alikes 0/O and 1/I (`D-1203-K7QX9P`). The 6 characters alone identify the household;
 * building and unit only help the reader check the slip. 32^6 ≈ 10^9 codes, and claims are
 * rate-limited, so guessing one is hopeless. The long code of the slip's QR keeps working.
 */
export const SHORT_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
export const SHORT_LENGTH = 6;

/** A fresh code from `random` bytes (one byte per character; 256 is a multiple of 32). */
export function shortCodeFrom(random: Uint8Array): string {
	if (random.length < SHORT_LENGTH) throw new Error('not enough random bytes');
	let out = '';
	for (let i = 0; i < SHORT_LENGTH; i++) out += SHORT_ALPHABET[random[i]! % SHORT_ALPHABET.length];
	return out;
}

/** What the slip prints: `D-1203-K7QX9P`. */
export function formatShortCode(building: string, unit: string, code: string): string {
	return `${building}-${unit}-${code}`;
}

export type SeatCodeInput = { kind: 'long'; code: string } | { kind: 'short'; code: string };

/** The long codes are 32 characters of lowercase base32 (`src/lib/server/ids.ts` newToken). */
const LONG = /^[a-z2-7]{32}$/i;
const SHORT_TAIL = new RegExp(`([${SHORT_ALPHABET}]{${SHORT_LENGTH}})$`);

/**
 * Reads what someone typed or scanned: the slip link or its long code, or a short code with or
 * without building and unit, spaces and dashes, in any case.
 */
export function parseSeatCode(text: string): SeatCodeInput | null {
	const trimmed = text.trim();
	const link = /\/seat\/([a-z2-7]+)\/?$/i.exec(trimmed);
	if (link) return { kind: 'long', code: link[1]!.toLowerCase() };
	if (LONG.test(trimmed)) return { kind: 'long', code: trimmed.toLowerCase() };
	const compact = trimmed.toUpperCase().replace(/[\s\-_–—·.]/g, '');
	const tail = SHORT_TAIL.exec(compact);
	if (tail && compact.length <= 40) return { kind: 'short', code: tail[1]! };
	return trimmed ? { kind: 'long', code: trimmed.toLowerCase() } : null;
}
