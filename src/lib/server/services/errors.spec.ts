import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parse, ServiceError } from './errors';

const notice = v.object({ text: v.optional(v.string()), place: v.optional(v.string()) });

function codeOf(run: () => unknown): string | null {
	try {
		run();
		return null;
	} catch (error) {
		return error instanceof ServiceError ? `${error.status} ${error.code}` : 'thrown';
	}
}

describe('parse', () => {
	it('[INPUT-ARRAY] an array where an object is expected is invalid_payload, not an empty object', () => {
		expect(codeOf(() => parse(notice, []))).toBe('400 invalid_payload');
		expect(codeOf(() => parse(notice, [{ text: 'x' }]))).toBe('400 invalid_payload');
		const rule = v.variant('kind', [v.object({ kind: v.literal('a') })]);
		expect(codeOf(() => parse(rule, []))).toBe('400 invalid_payload');
	});

	it('[INPUT-ARRAY] objects and array schemas parse as before', () => {
		expect(parse(notice, { text: 'x' })).toEqual({ text: 'x' });
		expect(parse(notice, {})).toEqual({});
		expect(parse(v.array(v.string()), ['a'])).toEqual(['a']);
	});
});
