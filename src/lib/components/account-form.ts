/** Shapes of the one account form (AccountForm.svelte), shared with the routes that read it. */
export type AccountField = 'username' | 'password' | 'password2' | 'role';

/** What a refused account form comes back with: the field to mark, and what was typed. */
export interface AccountFormFailure {
	field: AccountField;
	message: string;
	username?: string;
	role?: string;
}

/** The roles an administrator gives, in the order most often needed. */
export const STAFF_ROLES = ['moderator', 'clerk', 'street', 'admin'] as const;
