/**
 * The server half of the one invite form ($lib/components/InviteForm.svelte) and of the invite
 * lists beside it, shared by /sessions/<id>, /street/<id> and /c/<id>/links.
 */
import {
	INVITE_FORMS,
	type InviteField,
	type InviteFormFailure,
	type InviteFormKind
} from '$lib/components/invite-form';
import type { Ctx } from '$lib/server/services/context';
import { ServiceError } from '$lib/server/services/errors';
import * as invites from '$lib/server/services/invites';
import { invalidField } from './guards.server';

export type InviteStatus = 'active' | 'expired' | 'used_up' | 'revoked';

const statusOf: Record<string, InviteStatus> = {
	invite_revoked: 'revoked',
	invite_expired: 'expired',
	invite_used_up: 'used_up'
};

/** What the staff pages show of an invite: the contract's view plus whether it still works. */
export function inviteRows(ctx: Ctx, rows: invites.Invite[], now = new Date()) {
	return rows.map((row) => {
		const problem = invites.inviteProblem(row, now);
		const status: InviteStatus = problem ? (statusOf[problem.code] ?? 'revoked') : 'active';
		return { ...invites.toView(ctx, row), status };
	});
}

/** "" or absent → none; other text becomes a number (NaN too) for the schema to judge. */
function optionalNumber(value: FormDataEntryValue | null): number | null {
	const text = String(value ?? '').trim();
	return text === '' ? null : Number(text);
}

/**
 * A posted InviteForm as the body of `POST …/invites` (REFERENCE.md §2, §6). `expiry` is what was
 * posted for the expiry, for routes that check it against the form's presets themselves.
 */
export function readInviteForm(form: FormData) {
	const expiry = String(form.get('expiresInMinutes') ?? '');
	const days = optionalNumber(form.get('days'));
	return {
		role: String(form.get('role') ?? ''),
		maxUses: optionalNumber(form.get('maxUses')),
		// A community's standing link asks for days (a poster may hang for months).
		expiresInMinutes: form.has('days')
			? days === null
				? null
				: days * 24 * 60
			: optionalNumber(expiry),
		expiry
	};
}

/** The form's refusal for a field, in the words of the page it is on. */
export function inviteFailure(
	kind: InviteFormKind,
	field: InviteField,
	role: string
): InviteFormFailure {
	return { field, message: INVITE_FORMS[kind].errors[field](), role };
}

const fieldOfInput: Record<string, InviteField> = {
	maxUses: 'maxUses',
	expiresInMinutes: 'expiry'
};

/**
 * The refusal for a rejected invite (400), marking the field the service named; null for any
 * other error, which the page shows as its error page.
 */
export function inviteRefusal(
	e: unknown,
	kind: InviteFormKind,
	role: string
): InviteFormFailure | null {
	if (!(e instanceof ServiceError) || e.status !== 400) return null;
	const named = invalidField(e) ?? /^(\w+)/.exec(e.message)?.[1] ?? '';
	return inviteFailure(kind, fieldOfInput[named] ?? 'role', role);
}
