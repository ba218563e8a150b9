/**
 * The server half of the one account form ($lib/components/AccountForm.svelte), shared by
 * /admin (an administrator creates a staff account) and /setup (the first administrator).
 */
import type { AccountField, AccountFormFailure } from '$lib/components/account-form';
import { m } from '$lib/paraglide/messages.js';
import { ServiceError } from '$lib/server/services/errors';

/** A posted AccountForm; `role` and `password2` are absent where the form does not ask them. */
export function readAccountForm(form: FormData) {
	return {
		username: String(form.get('username') ?? ''),
		password: String(form.get('password') ?? ''),
		password2: String(form.get('password2') ?? ''),
		role: String(form.get('role') ?? '')
	};
}

type CheckedField = Exclude<AccountField, 'password2'>;

const fieldOfInput: Record<string, CheckedField> = {
	username: 'username',
	password: 'password',
	role: 'role'
};

const messageOf: Record<CheckedField, () => string> = {
	username: m.admin_error_username,
	password: m.admin_error_password,
	role: m.admin_error_role
};

/**
 * The refusal for an account the service would not create (400 with the field it named, 409
 * `username_taken`); null for any other error, which the page shows as its error page.
 */
export function accountRefusal(
	e: unknown,
	typed: { username: string; role?: string }
): AccountFormFailure | null {
	if (!(e instanceof ServiceError)) return null;
	const { username, role } = typed;
	if (e.status === 409 && e.code === 'username_taken') {
		const message = m.admin_error_taken({ username: username.trim() });
		return { field: 'username', message, username, role };
	}
	if (e.status !== 400) return null;
	const field = fieldOfInput[/^(\w+)/.exec(e.message)?.[1] ?? ''] ?? 'username';
	return { field, message: messageOf[field](), username, role };
}
