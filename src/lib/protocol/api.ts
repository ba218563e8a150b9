/** Runtime schemas of the HTTP API bodies (REFERENCE.md §2); pages and the API share them. */
import * as v from 'valibot';
import { maskNumbers } from './trust';
import { ACCOUNT_ROLES, PARTICIPANT_ROLES } from './roles';

/* @__NO_SIDE_EFFECTS__ */ const trimmed = (max: number) =>
	v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(max));

export const loginSchema = v.object({
	username: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(64)),
	password: v.pipe(v.string(), v.minLength(1), v.maxLength(256))
});

export const createUserSchema = v.object({
	username: v.pipe(
		v.string(),
		v.trim(),
		v.regex(/^[\p{L}\p{N}_.-]{2,32}$/u, 'username: 2–32 letters, digits, _ . -')
	),
	password: v.pipe(v.string(), v.minLength(8, 'password: at least 8 characters'), v.maxLength(256)),
	role: v.picklist(ACCOUNT_ROLES)
});

export const createSessionSchema = v.object({
	title: trimmed(200),
	kind: v.picklist(['live', 'cloud']),
	items: v.pipe(
		v.array(
			v.object({ title: trimmed(200), body: v.optional(v.pipe(v.string(), v.maxLength(20_000))) })
		),
		v.minLength(1, 'items: at least one agenda item'),
		v.maxLength(50)
	),
	opensAt: v.optional(v.pipe(v.string(), v.isoTimestamp())),
	closesAt: v.optional(v.pipe(v.string(), v.isoTimestamp()))
});

export const createInviteSchema = v.object({
	role: v.picklist(PARTICIPANT_ROLES),
	maxUses: v.optional(
		v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000)))
	),
	expiresInMinutes: v.optional(
		v.nullable(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(60 * 24 * 366)))
	)
});

export const joinSchema = v.object({
	name: v.pipe(
		v.string(),
		v.trim(),
		v.minLength(1, 'name: required'),
		v.maxLength(40),
		// An ID card or phone number typed as a name never reaches the public record.
		v.transform(maskNumbers)
	)
});

export const renameSchema = v.object({ name: trimmed(100) });

export type CreateSessionInput = v.InferOutput<typeof createSessionSchema>;
export type CreateInviteInput = v.InferOutput<typeof createInviteSchema>;
export type CreateUserInput = v.InferOutput<typeof createUserSchema>;
