import { m } from '$lib/paraglide/messages.js';

const labels: Record<string, () => string> = {
	resident: m.role_resident,
	owner: m.role_owner,
	property: m.role_property,
	enterprise: m.role_enterprise,
	expert: m.role_expert,
	observer: m.role_observer,
	moderator: m.role_moderator,
	clerk: m.role_clerk,
	street: m.role_street,
	admin: m.role_admin
};

/** The role's name in the reader's language; an unknown role shows as its code. */
export function roleLabel(role: string): string {
	return labels[role]?.() ?? role;
}
