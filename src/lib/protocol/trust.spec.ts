import { describe, expect, it } from 'vitest';
import { isWellFormedText, maskNumbers } from './trust';

describe('text that cannot break the record', () => {
	it('[TRUST-TEXT-1] NUL bytes and lone surrogates are found, paired surrogates are fine', () => {
		expect(isWellFormedText('a\u0000b')).toBe(false);
		expect(isWellFormedText('x\ud800y')).toBe(false);
		expect(isWellFormedText('x\udc00')).toBe(false);
		expect(isWellFormedText('加装电梯 😀')).toBe(true);
	});
});

describe('numbers in names', () => {
	it('[TRUST-PII-1] an ID card or phone number typed in a name is masked, short numbers stay', () => {
		const id = '110101199003071234';
		const masked = maskNumbers(`张三${id}`);
		expect(masked).not.toContain(id);
		expect(masked.startsWith('张三110')).toBe(true);
		expect(maskNumbers('李四13800138000')).not.toContain('13800138000');
		expect(maskNumbers('11010119900307123X')).not.toContain('1990030712');
		expect(maskNumbers('7号楼1201室王阿姨')).toBe('7号楼1201室王阿姨');
		expect(maskNumbers('138 0013 8000')).not.toContain('0013');
	});
});
