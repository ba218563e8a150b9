/**
 * What no body may carry, whatever its schema says: text that Postgres or a JSON encoder cannot
 * hold faithfully (NUL, lone UTF-16 surrogates), numbers beyond exact integers, keys that name
 * object machinery, and nesting deeper than any request needs. Checked before a schema and
 * before the store, so odd input is a 400, never a 500 from deep inside.
 */

export const MAX_DEPTH = 64;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badText(s: string): string | null {
	if (NUL.test(s)) return 'contains a NUL character';
	if (LONE_SURROGATE.test(s)) return 'contains an unpaired surrogate (not valid Unicode)';
	return null;
}

/** The first problem in the value as `path: reason`, or null when it is fine. Iterative. */
export function findBadInput(input: unknown): string | null {
	const stack: { value: unknown; path: string; depth: number }[] = [
		{ value: input, path: '', depth: 0 }
	];
	while (stack.length) {
		const { value, path, depth } = stack.pop()!;
		const at = (reason: string) => (path ? `${path}: ${reason}` : reason);
		if (typeof value === 'string') {
			const bad = badText(value);
			if (bad) return at(bad);
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
					const bad = badText(key);
					if (bad) return at(`a key ${bad}`);
				}
				stack.push({ value: child, path: path ? `${path}.${key}` : key, depth: depth + 1 });
			}
		}
	}
	return null;
}
