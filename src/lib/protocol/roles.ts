/** Account roles (REFERENCE.md §2). */
export const ACCOUNT_ROLES = ['admin', 'moderator', 'clerk', 'street'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

/** Participant roles, usually from an invite link; each is a bloc in the room. */
export const PARTICIPANT_ROLES = [
	'resident',
	'owner',
	'property',
	'enterprise',
	'expert',
	'observer'
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

export type Role = AccountRole | ParticipantRole;
export const ROLES: readonly Role[] = [...PARTICIPANT_ROLES, ...ACCOUNT_ROLES];

export function isAccountRole(role: string): role is AccountRole {
	return (ACCOUNT_ROLES as readonly string[]).includes(role);
}
export function isParticipantRole(role: string): role is ParticipantRole {
	return (PARTICIPANT_ROLES as readonly string[]).includes(role);
}

/**
 * Roles whose members may write in the room (edit proposals, speak). Street officials are
 * members only of the consultation sessions they open, where they take part.
 */
export function canWrite(role: Role, sessionStatus: 'open' | 'closed'): boolean {
	return sessionStatus === 'open' && role !== 'observer';
}

/** Roles that run the room. */
export function canModerate(role: Role): boolean {
	return role === 'moderator' || role === 'admin';
}

/**
 * Bloc colours for cursors and badges. Each has ≥ 4.5:1 contrast against white text, so a
 * name label on it stays readable (WCAG AA).
 */
export const BLOC_COLORS: Record<Role, string> = {
	resident: '#1d4ed8',
	owner: '#7c3aed',
	property: '#b45309',
	enterprise: '#0f766e',
	expert: '#be123c',
	observer: '#4b5563',
	moderator: '#b3261e',
	admin: '#b3261e',
	clerk: '#4338ca',
	street: '#166534'
};
