import * as v from 'valibot';
import { findBadInput } from '../domain/input-guard';

/** An error a user or client can act on: a stable snake_case code, an HTTP status, a message. */
export class ServiceError extends Error {
	override name = 'ServiceError';
	constructor(
		readonly status: number,
		readonly code: string,
		message: string,
		readonly retryAfterSeconds?: number
	) {
		super(message);
	}
}

export const notFound = (code: string, what: string) =>
	new ServiceError(404, code, `${what} not found`);
export const forbidden = (message = 'not allowed') => new ServiceError(403, 'forbidden', message);
export const unauthorized = () => new ServiceError(401, 'unauthorized', 'sign in first');

/** Schema types valibot checks with `typeof input === 'object'`, which arrays pass. */
const OBJECT_SCHEMAS = new Set([
	'object',
	'loose_object',
	'strict_object',
	'object_with_rest',
	'variant'
]);

/** Parses input with a schema, or throws `invalid_payload` naming the first bad field. */
export function parse<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
	requireGoodInput(input);
	// An array is not the object the schema describes, though valibot lets `[]` through as `{}`
	// with every optional field missing (src/lib/server/ARCHITECTURE.md trap 15).
	if (Array.isArray(input) && OBJECT_SCHEMAS.has(schema.type))
		throw new ServiceError(400, 'invalid_payload', 'expected a JSON object, not an array');
	const result = v.safeParse(schema, input);
	if (result.success) return result.output;
	const issue = result.issues[0];
	const path = issue?.path?.map((p) => String(p.key)).join('.');
	const message = path ? `${path}: ${issue?.message}` : (issue?.message ?? 'invalid input');
	throw new ServiceError(400, 'invalid_payload', message);
}

/**
 * Refuses what no body may carry whatever its schema says (src/lib/server/domain/input-guard.ts):
 * text no store keeps (400 `invalid_text`), numbers, keys or nesting no request needs (400
 * `invalid_payload`). `label` names the input when it is not a JSON body (`register`).
 */
export function requireGoodInput(input: unknown, label?: string): void {
	const bad = findBadInput(input);
	if (bad) throw new ServiceError(400, bad.code, label ? `${label}: ${bad.message}` : bad.message);
}
