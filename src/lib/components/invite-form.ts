/**
 * The words and choices of the one invite form (InviteForm.svelte) for each place it appears: a
 * session's invites (/sessions/<id>), the street office's consultation invites (/street/<id>)
 * and a community's standing links (/c/<id>/links). They post to the same API rule
 * (createInviteSchema in $lib/protocol/api.ts), so only the words and the defaults differ.
 */
import { m } from '$lib/paraglide/messages.js';
import { PARTICIPANT_ROLES } from '$lib/protocol/roles';
import { roleLabel } from './role-labels';
import { CONSULT_ROLES, consultRoleLabel } from './street/labels';

export type InviteFormKind = 'session' | 'consultation' | 'community';
export type InviteField = 'role' | 'maxUses' | 'expiry';

/** What a refused invite form comes back with: the field to mark, and what was chosen. */
export interface InviteFormFailure {
	field: InviteField;
	message: string;
	role?: string;
}

/** Expiry choices in minutes ('' = no end): a meeting is an hour, a day or a week away. */
export const INVITE_EXPIRY_PRESETS = [
	{ minutes: '60', label: m.invite_expiry_hour },
	{ minutes: '1440', label: m.invite_expiry_day },
	{ minutes: '10080', label: m.invite_expiry_week },
	{ minutes: '', label: m.invite_expiry_never }
] as const;

export type InviteExpiry =
	/** A <select> named `expiresInMinutes` over INVITE_EXPIRY_PRESETS. */
	| { kind: 'presets'; label: () => string; preset: string }
	/** A number of days named `days`: a standing link (a poster in the lobby) may last months. */
	| { kind: 'days'; label: () => string };

export interface InviteFormWords {
	heading: () => string;
	role: () => string;
	roles: readonly string[];
	roleLabel: (role: string) => string;
	defaultRole: string;
	/** A seat cap; none for consultations (each invite is for one expert or office). */
	maxUses: { label: () => string; hint?: () => string } | null;
	expiry: InviteExpiry;
	submit: () => string;
	/** What a refusal says under each field. */
	errors: Record<InviteField, () => string>;
}

export const INVITE_FORMS: Record<InviteFormKind, InviteFormWords> = {
	session: {
		heading: m.invite_create_title,
		role: m.invite_role,
		roles: PARTICIPANT_ROLES,
		roleLabel,
		defaultRole: 'resident',
		maxUses: { label: m.invite_max_uses, hint: m.invite_max_uses_hint },
		expiry: { kind: 'presets', label: m.invite_expiry, preset: '1440' },
		submit: m.invite_create_submit,
		errors: {
			role: m.invite_error_role,
			maxUses: m.invite_error_max_uses,
			expiry: m.invite_error_expiry
		}
	},
	consultation: {
		heading: m.street_invite_heading,
		role: m.street_invite_role,
		roles: CONSULT_ROLES,
		roleLabel: (role) => consultRoleLabel(role as (typeof CONSULT_ROLES)[number]),
		defaultRole: 'expert',
		maxUses: null,
		expiry: { kind: 'presets', label: m.invite_expiry, preset: '10080' },
		submit: m.street_invite_submit,
		errors: {
			role: m.street_invite_error_role,
			maxUses: m.invite_error_max_uses,
			expiry: m.invite_error_expiry
		}
	},
	community: {
		heading: m.community_links_create,
		role: m.community_links_role,
		roles: PARTICIPANT_ROLES,
		roleLabel,
		defaultRole: 'resident',
		maxUses: { label: m.community_links_max_uses },
		expiry: { kind: 'days', label: m.community_links_expires },
		submit: m.community_links_submit,
		errors: {
			role: m.community_links_error,
			maxUses: m.community_links_error,
			expiry: m.community_links_error
		}
	}
};

/** Whether a posted `expiresInMinutes` is one the form offers. */
export function isExpiryPreset(minutes: string): boolean {
	return INVITE_EXPIRY_PRESETS.some((p) => p.minutes === minutes);
}
