import { describe, expect, it } from 'vitest';
import { findBadInput, MAX_DEPTH } from './input-guard';

describe('input guard', () => {
	it('[INPUT-1] plain bodies pass', () => {
		expect(findBadInput({ title: '加装电梯', items: [{ title: '一', n: 3.5 }], ok: true })).toBe(
			null
		);
		expect(findBadInput('😀 pairs are fine')).toBe(null);
	});
	it('[INPUT-2] NUL and lone surrogates are refused, in values and keys', () => {
		expect(findBadInput({ text: 'a\u0000b' })).toEqual({
			code: 'invalid_text',
			message: expect.stringMatching(/^text: .*NUL/)
		});
		expect(findBadInput({ text: '\ud800x' })?.message).toMatch(/surrogate/);
		expect(findBadInput({ text: 'x\udc00' })?.code).toBe('invalid_text');
		expect(findBadInput({ text: 'x😀' })).toBe(null);
		expect(findBadInput({ ['k\u0000']: 1 })?.message).toMatch(/key/);
	});
	it('[INPUT-3] numbers beyond exact integers are refused', () => {
		expect(findBadInput({ maxUses: 1e308 })).toEqual({
			code: 'invalid_payload',
			message: 'maxUses: number out of range'
		});
		expect(findBadInput({ maxUses: 2 ** 64 })?.message).toMatch(/out of range/);
		expect(findBadInput({ maxUses: 2 ** 31 })).toBe(null);
	});
	it('[INPUT-4] object machinery keys are refused', () => {
		expect(findBadInput(JSON.parse('{"__proto__":{"x":1}}'))?.message).toMatch(/__proto__/);
		expect(findBadInput({ a: { constructor: 1 } })?.message).toMatch(/^a: key "constructor"/);
	});
	it('[INPUT-5] deep nesting stops at the bound without recursion', () => {
		const deep = JSON.parse('['.repeat(50_000) + ']'.repeat(50_000));
		expect(findBadInput(deep)?.message).toMatch(new RegExp(`deeper than ${MAX_DEPTH}`));
	});
});
