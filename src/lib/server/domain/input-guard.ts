/**
 * What no body may carry, whatever its schema says: text that Postgres or a JSON encoder cannot
 * hold faithfully (NUL, lone UTF-16 surrogates), numbers beyond exact integers, keys that name
 * object machinery, and nesting deeper than any request needs. Checked before a schema and
 * before the store, so odd input is a 400, never a 500 from deep inside.
 */
import { isWellFormedText } from '$lib/protocol/trust';

export const MAX_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const BAD_TEXT = 'contains a NUL byte or a lone surrogate';

/**
 * What is wrong and the code it answers with: text that cannot be stored is `invalid_text`
 * (src/lib/protocol/trust.ts says why), anything else `invalid_payload`.
 */
export interface BadInput {
	code: 'invalid_text' | 'invalid_payload';
	message: string;
}

/** The first problem in the value (`path: reason`), or null when it is fine. Iterative. */
export function findBadInput(input: unknown): BadInput | null {
	const stack: { value: unknown; path: string; depth: number }[] = [
		{ value: input, path: '', depth: 0 }
	];
	while (stack.length) {
		const { value, path, depth } = stack.pop()!;
		const at = (reason: string, code: BadInput['code'] = 'invalid_payload') => ({
			code,
			message: path ? `${path}: ${reason}` : reason
		});
		if (typeof value === 'string') {
			if (!isWellFormedText(value)) return at(BAD_TEXT, 'invalid_text');
		} else if (typeof value === 'number') {
			if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER)
				return at('number out of range');
		} else if (value !== null && typeof value === 'object') {
			if (depth >= MAX_DEPTH) return at(`nested deeper than ${MAX_DEPTH}`);
			const entries = Array.isArray(value)
				? value.map((v, i) => [String(i), v] as const)
				: Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]] as const);
			for (const [key, child] of entries) {
				if (!Array.isArray(value)) {
					if (FORBIDDEN_KEYS.has(key)) return at(`key "${key}" is not allowed`);
					if (!isWellFormedText(key)) return at(`a key ${BAD_TEXT}`, 'invalid_text');
				}
				stack.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
			}
		}
	}
	return null;
}
