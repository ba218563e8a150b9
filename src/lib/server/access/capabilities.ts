/**
 * Who may do what, and where: ONE table from capability to the account roles that hold it and
 * the scope it is checked in. Every access check on staff goes through `allows` (see
 * `check.ts` for the part that loads an object's scope from the store).
 *
 * Scopes nest deployment → street → community → session. An administrator acts on the whole
 * deployment; a moderator or clerk only inside their own community; a street official only on
 * their own street's cases — and, inside sessions, only on the consultation sessions (约请) the
 * street opens on a case, never on a community's own meetings.
 */
import type { AccountRole } from '$lib/protocol/roles';

export type Scope = 'deployment' | 'street' | 'community' | 'session';

export interface CapabilityRule {
	/** Roles that hold the capability inside their own scope. */
	roles: readonly AccountRole[];
	/** What the object is checked against. */
	scope: Scope;
	/** Street officials also hold it, but only on a consultation session of their street. */
	consultation?: boolean;
}

export const CAPABILITIES = {
	/** Accounts, streets and communities of the deployment. */
	'deployment.manage': { roles: ['admin'], scope: 'deployment' },
	/** The street's name and response time. */
	'street.settings': { roles: ['admin', 'street'], scope: 'street' },
	/** The street's list of cases. */
	'escalations.list': { roles: ['admin', 'street'], scope: 'street' },
	/** Accept, start, answer, close a case; open a consultation; read webhook deliveries. */
	'escalation.work': { roles: ['admin', 'street'], scope: 'street' },
	/** Read a case before it is answered: the street that holds it, the community's moderators. */
	'escalation.read': { roles: ['admin', 'street', 'moderator'], scope: 'community' },
	/** Send an unresolved item to the street. */
	'escalation.submit': { roles: ['admin', 'moderator'], scope: 'session' },
	/** Open a new session in the community. */
	'sessions.create': { roles: ['admin', 'moderator'], scope: 'community' },
	/** The community's session list on the staff home page. */
	'sessions.list': { roles: ['admin', 'moderator', 'clerk'], scope: 'community' },
	/** The community's staff: enter its rooms without an invite, read its open sessions. */
	'session.enter': { roles: ['admin', 'moderator', 'clerk'], scope: 'session', consultation: true },
	/** The console: agenda, queue on someone's behalf, minutes, digest, seats, mute, ballots. */
	'session.console': { roles: ['admin', 'moderator', 'clerk'], scope: 'session' },
	/** Runs the session: invites, open and close votes, extend, close, remove, resolve. */
	'session.run': { roles: ['admin', 'moderator'], scope: 'session', consultation: true },
	/** Recording which households paid their share of a chosen cost scheme. */
	'cost.collect': { roles: ['admin', 'moderator', 'clerk'], scope: 'session' },
	/** The household register: import, corrections, seat codes. */
	'community.register': { roles: ['admin', 'moderator', 'clerk'], scope: 'community' },
	/** The community's staff space: photos, board, without joining as a participant. */
	'community.staff': { roles: ['admin', 'moderator', 'clerk'], scope: 'community' },
	/** Standing links, settings, answers to opinions, projects. */
	'community.manage': { roles: ['admin', 'moderator'], scope: 'community' },
	/** The audit log of the community's staff actions. */
	'audit.read': { roles: ['admin', 'moderator'], scope: 'community' }
} as const satisfies Record<string, CapabilityRule>;

export type Capability = keyof typeof CAPABILITIES;

/** The account as the rule sees it; a null community/street means the default one. */
export interface Actor {
	role: AccountRole;
	communityId: string | null;
	streetId: string | null;
}

/** Where an object sits; what is unknown for a scope is left out. */
export interface ScopeOf {
	communityId?: string;
	streetId?: string;
	/** The session is a street's consultation on a case. */
	consultation?: boolean;
}

export const DEFAULT_STREET_ID = 'default-street';
export const DEFAULT_COMMUNITY_ID = 'default-community';

export type Decision = 'allow' | 'role' | 'scope';

/**
 * Whether this account may use the capability on an object in `scope`: `role` when its role
 * never holds it, `scope` when it does but not here (another community or street).
 */
export function decide(actor: Actor, capability: Capability, scope: ScopeOf): Decision {
	const rule: CapabilityRule = CAPABILITIES[capability];
	const byRole = rule.roles.includes(actor.role);
	const byConsultation = rule.consultation === true && actor.role === 'street';
	if (!byRole && !byConsultation) return 'role';
	if (actor.role === 'admin') return 'allow';
	if (rule.scope === 'deployment') return 'scope';
	if (actor.role === 'street') {
		if (!byRole && !scope.consultation) return 'role';
		const own = actor.streetId ?? DEFAULT_STREET_ID;
		return scope.streetId !== undefined && scope.streetId === own ? 'allow' : 'scope';
	}
	if (rule.scope === 'street') return 'scope';
	const own = actor.communityId ?? DEFAULT_COMMUNITY_ID;
	return scope.communityId !== undefined && scope.communityId === own ? 'allow' : 'scope';
}

export const allows = (actor: Actor, capability: Capability, scope: ScopeOf) =>
	decide(actor, capability, scope) === 'allow';

/** Whether the role holds the capability somewhere (for showing a control at all). */
export function roleHolds(role: AccountRole, capability: Capability): boolean {
	const rule: CapabilityRule = CAPABILITIES[capability];
	return rule.roles.includes(role) || (rule.consultation === true && role === 'street');
}
