/**
 * The authorization matrix: every `/api/v1` route (and every other `+server.ts`) and every form
 * action, each tried by every kind of caller, on objects of ONE community (A, on street A) that
 * has a twin (community B on street B) whose staff must be kept out.
 *
 * The list of routes is read from `src/routes` itself: a route or form action without a row
 * below fails the test, so whoever adds a route also says who may call it.
 *
 * Page loads are rows too (`PAGE /c/[communityId]`): the HTML a browser gets, asked for as a
 * browser asks (`accept: text/html`). A page refuses with an error page (401, 403, 404) or by
 * sending the reader to sign in (a redirect to /login); any other answer shows the page.
 *
 * A row names who is allowed; everyone else must be refused (401, 403 or 404). Refused callers
 * send a VALID body, so a missing check would show as a success. Allowed callers must not be
 * refused (401/403/404) and never get a 5xx (a 400/409 about state is fine: the check passed).
 * Rows marked `last` change shared state for good (logout, closing the session) and run after
 * the rest, in order.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	adminClient,
	ApiClient,
	expectStatus,
	joinAs,
	ROOT,
	startServer,
	tokenOf,
	type InviteView,
	type ServerHandle,
	type SessionView
} from './harness';

const IDENTITIES = [
	'anonymous',
	'otherParticipant',
	'resident',
	'owner',
	'property',
	'enterprise',
	'expert',
	'observer',
	'member',
	'clerk',
	'moderator',
	'otherModerator',
	'street',
	'otherStreet',
	'admin'
] as const;
type Identity = (typeof IDENTITIES)[number];

const ALL: Identity[] = [...IDENTITIES];
const SIGNED_IN = ALL.filter((i) => i !== 'anonymous');
const WRITERS: Identity[] = ['resident', 'owner', 'property', 'enterprise', 'expert'];
const PARTICIPANTS: Identity[] = [...WRITERS, 'observer'];
const RUN: Identity[] = ['moderator', 'admin'];
const CONSOLE: Identity[] = ['moderator', 'clerk', 'admin'];
const MEMBERS: Identity[] = [...PARTICIPANTS, ...CONSOLE];
const ROOM_WRITERS: Identity[] = [...WRITERS, ...CONSOLE];
const STREET: Identity[] = ['street', 'admin'];
const ADMIN: Identity[] = ['admin'];
const COMMUNITY_MEMBER: Identity[] = ['member'];

interface Fixture {
	streetA: string;
	streetB: string;
	communityA: string;
	communityB: string;
	session: SessionView;
	cloud: SessionView;
	itemId: string;
	escalatedItemId: string;
	voteId: string;
	commentId: string;
	inviteToken: string;
	spareInviteId: string;
	communityInviteId: string;
	householdId: string;
	seatCode: string;
	spareParticipantId: string;
	residentParticipantId: string;
	opinionId: string;
	projectId: string;
	escalationId: string;
}

interface Case {
	/**
	 * `GET /api/v1/sessions/[id]`, `ACTION /sessions/[id]?/createInvite` for a form action, or
	 * `PAGE /sessions/[id]` for a page's server load.
	 */
	route: string;
	path: (f: Fixture) => string;
	json?: (f: Fixture) => unknown;
	/** A raw body with its content type (CSV, a form). */
	raw?: (f: Fixture) => { body: string; type: string };
	allow: readonly Identity[];
	/** Runs after every other row, in order: it changes shared state for good. */
	last?: boolean;
	/** Allowed callers may get 404 (e.g. a route only a test server has). */
	allowNotFound?: boolean;
	/**
	 * A page that lists only the caller's own (sessions, cases): text of A's that these
	 * callers, let in to see their own, must not find in the answer.
	 */
	hidden?: { text: (f: Fixture) => string; from: readonly Identity[] };
	note?: string;
}

const csv = 'building,unit,area,owner\nA栋,201,80.00,甲\n';
const form = (fields: Record<string, string>) => ({
	body: new URLSearchParams(fields).toString(),
	type: 'application/x-www-form-urlencoded'
});
const vote = {
	question: '矩阵测试',
	kind: 'yes_no_abstain',
	secret: false,
	tally: 'live',
	eligibility: 'participants',
	rule: { kind: 'majority_cast' }
};

const CASES: Case[] = [
	// Accounts, streets, communities, audit
	{
		route: 'POST /api/v1/login',
		path: () => '/api/v1/login',
		allow: ALL,
		json: () => ({ username: 'admin', password: 'yishi-test-admin-pw' })
	},
	{ route: 'POST /api/v1/logout', path: () => '/api/v1/logout', allow: SIGNED_IN, last: true },
	{
		route: 'POST /api/v1/users',
		path: () => '/api/v1/users',
		allow: ADMIN,
		json: () => ({
			username: `u${Math.random().toString(36).slice(2, 10)}`,
			password: 'matrix-password',
			role: 'clerk'
		})
	},
	{ route: 'GET /api/v1/users', path: () => '/api/v1/users', allow: ADMIN },
	{
		route: 'POST /api/v1/streets',
		path: () => '/api/v1/streets',
		allow: ADMIN,
		json: () => ({ name: '矩阵街道' })
	},
	{ route: 'GET /api/v1/streets', path: () => '/api/v1/streets', allow: ALL },
	{
		route: 'POST /api/v1/streets/[id]/communities',
		path: (f) => `/api/v1/streets/${f.streetA}/communities`,
		allow: ADMIN,
		json: () => ({ name: '矩阵社区' })
	},
	{
		route: 'POST /api/v1/streets/[id]/settings',
		path: (f) => `/api/v1/streets/${f.streetA}/settings`,
		allow: STREET,
		json: () => ({ responseHours: 4 })
	},
	{
		route: 'GET /api/v1/audit',
		path: (f) => `/api/v1/audit?communityId=${f.communityA}`,
		allow: RUN
	},
	{
		route: 'GET /api/v1/communities/[communityId]',
		path: (f) => `/api/v1/communities/${f.communityA}`,
		allow: ALL
	},
	{
		route: 'PATCH /api/v1/communities/[communityId]',
		path: (f) => `/api/v1/communities/${f.communityA}`,
		allow: RUN,
		json: () => ({ opinionHandThreshold: 1 })
	},
	// The community's WeCom group robot (its key is a secret of the moderators)
	{
		route: 'GET /api/v1/communities/[communityId]/channels',
		path: (f) => `/api/v1/communities/${f.communityA}/channels`,
		allow: RUN
	},
	{
		route: 'PUT /api/v1/communities/[communityId]/channels',
		path: (f) => `/api/v1/communities/${f.communityA}/channels`,
		allow: RUN,
		json: () => ({ wecomDigest: false })
	},
	{
		route: 'POST /api/v1/communities/[communityId]/channels/test',
		path: (f) => `/api/v1/communities/${f.communityA}/channels/test`,
		allow: RUN,
		note: 'no webhook is set in the matrix: 409 channel_not_set for those allowed'
	},
	// The household register
	{
		route: 'POST /api/v1/communities/[communityId]/households',
		path: (f) => `/api/v1/communities/${f.communityA}/households`,
		allow: CONSOLE,
		raw: () => ({ body: csv, type: 'text/csv' })
	},
	{
		route: 'GET /api/v1/communities/[communityId]/households',
		path: (f) => `/api/v1/communities/${f.communityA}/households`,
		allow: CONSOLE
	},
	{
		route: 'GET /s/[id]/slips/[householdId].svg',
		path: (f) => `/s/${f.session.id}/slips/${f.householdId}.svg`,
		allow: CONSOLE
	},
	// Community links, opinions, projects, photos
	{
		route: 'POST /api/v1/communities/[communityId]/invites',
		path: (f) => `/api/v1/communities/${f.communityA}/invites`,
		allow: RUN,
		json: () => ({ role: 'resident' })
	},
	{
		route: 'GET /api/v1/communities/[communityId]/invites',
		path: (f) => `/api/v1/communities/${f.communityA}/invites`,
		allow: RUN
	},
	{
		route: 'POST /api/v1/communities/[communityId]/opinions',
		path: (f) => `/api/v1/communities/${f.communityA}/opinions`,
		allow: COMMUNITY_MEMBER,
		json: () => ({ title: '路灯', text: '楼下路灯坏了' })
	},
	{
		route: 'GET /api/v1/communities/[communityId]/opinions',
		path: (f) => `/api/v1/communities/${f.communityA}/opinions`,
		allow: ALL
	},
	{
		route: 'GET /api/v1/communities/[communityId]/opinions/events',
		path: (f) => `/api/v1/communities/${f.communityA}/opinions/events`,
		allow: ALL
	},
	{
		route: 'POST /api/v1/communities/[communityId]/photos',
		path: (f) => `/api/v1/communities/${f.communityA}/photos`,
		allow: [...COMMUNITY_MEMBER, ...CONSOLE],
		raw: () => ({ body: 'not an image', type: 'image/png' })
	},
	{
		route: 'GET /photos/[id]',
		path: () => '/photos/no-such-photo',
		allow: ALL,
		allowNotFound: true
	},
	{
		route: 'POST /api/v1/opinions/[id]/hands',
		path: (f) => `/api/v1/opinions/${f.opinionId}/hands`,
		allow: COMMUNITY_MEMBER
	},
	{
		route: 'DELETE /api/v1/opinions/[id]/hands',
		path: (f) => `/api/v1/opinions/${f.opinionId}/hands`,
		allow: COMMUNITY_MEMBER,
		last: true
	},
	{
		route: 'POST /api/v1/opinions/[id]/project',
		path: (f) => `/api/v1/opinions/${f.opinionId}/project`,
		allow: RUN
	},
	{
		route: 'POST /api/v1/opinions/[id]/responses',
		path: (f) => `/api/v1/opinions/${f.opinionId}/responses`,
		allow: RUN,
		json: () => ({ text: '已安排维修' })
	},
	{
		route: 'GET /api/v1/projects/[id]',
		path: (f) => `/api/v1/projects/${f.projectId}`,
		allow: ALL
	},
	{
		route: 'POST /api/v1/projects/[id]/milestones',
		path: (f) => `/api/v1/projects/${f.projectId}/milestones`,
		allow: RUN,
		json: () => ({ text: '已开工' })
	},
	{
		route: 'POST /api/v1/projects/[id]/notice',
		path: (f) => `/api/v1/projects/${f.projectId}/notice`,
		allow: RUN,
		json: () => ({ days: 7 })
	},
	{
		route: 'POST /api/v1/projects/[id]/ratings',
		path: (f) => `/api/v1/projects/${f.projectId}/ratings`,
		allow: COMMUNITY_MEMBER,
		json: () => ({ stars: 5 })
	},
	// Escalations
	{
		route: 'GET /api/v1/escalations',
		path: () => '/api/v1/escalations',
		allow: [...STREET, 'otherStreet'],
		note: 'each street lists its own'
	},
	{
		route: 'GET /api/v1/escalations/[id]',
		path: (f) => `/api/v1/escalations/${f.escalationId}`,
		allow: ['street', 'moderator', 'admin']
	},
	{
		route: 'POST /api/v1/escalations/[id]/[step=escalation_step]',
		path: (f) => `/api/v1/escalations/${f.escalationId}/accept`,
		allow: STREET
	},
	{
		route: 'POST /api/v1/escalations/[id]/consultation',
		path: (f) => `/api/v1/escalations/${f.escalationId}/consultation`,
		allow: STREET
	},
	{
		route: 'GET /api/v1/escalations/[id]/deliveries',
		path: (f) => `/api/v1/escalations/${f.escalationId}/deliveries`,
		allow: STREET
	},
	{
		route: 'POST /api/v1/items/[itemId]/escalations',
		path: (f) => `/api/v1/items/${f.escalatedItemId}/escalations`,
		allow: RUN,
		json: () => ({ note: '再次上报' })
	},
	// Invites and joining
	{
		route: 'POST /api/v1/sessions/[id]/invites',
		path: (f) => `/api/v1/sessions/${f.session.id}/invites`,
		allow: RUN,
		json: () => ({ role: 'resident' })
	},
	{
		route: 'GET /api/v1/sessions/[id]/invites',
		path: (f) => `/api/v1/sessions/${f.session.id}/invites`,
		allow: RUN
	},
	{
		route: 'DELETE /api/v1/invites/[id]',
		path: (f) => `/api/v1/invites/${f.spareInviteId}`,
		allow: RUN
	},
	{ route: 'GET /qr/[inviteId].svg', path: (f) => `/qr/${f.spareInviteId}.svg`, allow: RUN },
	{
		route: 'POST /api/v1/join/[token]',
		path: (f) => `/api/v1/join/${f.inviteToken}`,
		allow: ALL,
		json: () => ({ name: '路人' }),
		// Last: a device that joins becomes a member of the session.
		last: true
	},
	// Sessions
	{
		route: 'POST /api/v1/sessions',
		path: () => '/api/v1/sessions',
		allow: [...RUN, 'otherModerator'],
		json: () => ({ title: '另一场', kind: 'live', items: [{ title: '一' }] }),
		note: 'each moderator in their own community'
	},
	{
		route: 'GET /api/v1/sessions/[id]',
		path: (f) => `/api/v1/sessions/${f.session.id}`,
		allow: MEMBERS
	},
	{
		route: 'POST /api/v1/sessions/[id]/close',
		path: (f) => `/api/v1/sessions/${f.session.id}/close`,
		allow: RUN,
		last: true
	},
	{
		route: 'POST /api/v1/sessions/[id]/current',
		path: (f) => `/api/v1/sessions/${f.session.id}/current`,
		allow: CONSOLE,
		json: (f) => ({ itemId: f.itemId })
	},
	{
		route: 'GET /api/v1/sessions/[id]/digest',
		path: (f) => `/api/v1/sessions/${f.session.id}/digest`,
		allow: CONSOLE
	},
	{
		route: 'POST /api/v1/sessions/[id]/extend',
		path: (f) => `/api/v1/sessions/${f.cloud.id}/extend`,
		allow: RUN,
		json: () => ({ closesAt: new Date(Date.now() + 9 * 86_400_000).toISOString() })
	},
	{
		route: 'POST /api/v1/sessions/[id]/floor',
		path: (f) => `/api/v1/sessions/${f.session.id}/floor`,
		allow: CONSOLE,
		json: (f) => ({ participantId: f.residentParticipantId })
	},
	{
		route: 'DELETE /api/v1/sessions/[id]/floor',
		path: (f) => `/api/v1/sessions/${f.session.id}/floor`,
		allow: CONSOLE
	},
	{
		route: 'POST /api/v1/sessions/[id]/hands',
		path: (f) => `/api/v1/sessions/${f.session.id}/hands`,
		allow: CONSOLE,
		json: (f) => ({ participantId: f.residentParticipantId })
	},
	{
		route: 'DELETE /api/v1/sessions/[id]/hands/[participantId]',
		path: (f) => `/api/v1/sessions/${f.session.id}/hands/${f.residentParticipantId}`,
		allow: CONSOLE
	},
	{
		route: 'POST /api/v1/sessions/[id]/items/order',
		path: (f) => `/api/v1/sessions/${f.session.id}/items/order`,
		allow: CONSOLE,
		json: (f) => ({ itemIds: f.session.items.map((i) => i.id) })
	},
	{
		route: 'GET /api/v1/sessions/[id]/minutes.md',
		path: (f) => `/api/v1/sessions/${f.session.id}/minutes.md`,
		allow: MEMBERS
	},
	{
		route: 'POST /api/v1/sessions/[id]/minutes',
		path: (f) => `/api/v1/sessions/${f.session.id}/minutes`,
		allow: CONSOLE,
		json: () => ({ text: '记录一条' })
	},
	{
		route: 'DELETE /api/v1/sessions/[id]/participants/[participantId]',
		path: (f) => `/api/v1/sessions/${f.session.id}/participants/${f.spareParticipantId}`,
		allow: RUN,
		// The second remover finds nobody left to remove.
		allowNotFound: true
	},
	{
		route: 'POST /api/v1/sessions/[id]/participants/[participantId]/mute',
		path: (f) => `/api/v1/sessions/${f.session.id}/participants/${f.residentParticipantId}/mute`,
		allow: CONSOLE,
		json: () => ({ muted: false })
	},
	{
		route: 'POST /api/v1/sessions/[id]/seats',
		path: (f) => `/api/v1/sessions/${f.session.id}/seats`,
		allow: ['resident', 'owner'],
		note: 'only roles that may vote hold a household seat (403 cannot_hold_seat)',
		json: (f) => ({ seatCode: f.seatCode })
	},
	{
		route: 'GET /api/v1/sessions/[id]/seats',
		path: (f) => `/api/v1/sessions/${f.session.id}/seats`,
		allow: CONSOLE
	},
	{
		route: 'DELETE /api/v1/sessions/[id]/seats/[householdId]',
		path: (f) => `/api/v1/sessions/${f.session.id}/seats/${f.householdId}`,
		allow: CONSOLE
	},
	{
		route: 'POST /api/v1/sessions/[id]/settings',
		path: (f) => `/api/v1/sessions/${f.session.id}/settings`,
		allow: CONSOLE,
		json: () => ({ speakingLimitSeconds: 120 })
	},
	{
		route: 'POST /api/v1/sessions/[id]/statements',
		path: (f) => `/api/v1/sessions/${f.session.id}/statements`,
		allow: ROOM_WRITERS,
		json: () => ({ text: '我说一句' })
	},
	{
		route: 'GET /api/v1/sessions/[id]/transcript',
		path: (f) => `/api/v1/sessions/${f.session.id}/transcript`,
		allow: MEMBERS
	},
	{
		route: 'GET /api/v1/sessions/[id]/votes',
		path: (f) => `/api/v1/sessions/${f.session.id}/votes`,
		allow: MEMBERS
	},
	{
		route: 'GET /s/[id]/projector/join-qr.svg',
		path: (f) => `/s/${f.session.id}/projector/join-qr.svg`,
		allow: MEMBERS
	},
	// Items, votes, comments
	{
		route: 'POST /api/v1/items/[itemId]/status',
		path: (f) => `/api/v1/items/${f.itemId}/status`,
		allow: CONSOLE,
		json: () => ({ status: 'discussing' })
	},
	{
		route: 'POST /api/v1/items/[itemId]/votes',
		path: (f) => `/api/v1/items/${f.itemId}/votes`,
		allow: CONSOLE,
		json: () => vote
	},
	{ route: 'GET /api/v1/votes/[id]', path: (f) => `/api/v1/votes/${f.voteId}`, allow: MEMBERS },
	{
		route: 'POST /api/v1/votes/[id]/open',
		path: (f) => `/api/v1/votes/${f.voteId}/open`,
		allow: RUN
	},
	{
		route: 'POST /api/v1/votes/[id]/close',
		path: (f) => `/api/v1/votes/${f.voteId}/close`,
		allow: RUN,
		last: true
	},
	{
		route: 'POST /api/v1/votes/[id]/paper-ballots',
		path: (f) => `/api/v1/votes/${f.voteId}/paper-ballots`,
		allow: CONSOLE,
		json: (f) => ({ participantId: f.residentParticipantId, choice: 'yes' })
	},
	{
		route: 'POST /api/v1/items/[itemId]/comments',
		path: (f) => `/api/v1/items/${f.itemId}/comments`,
		allow: ROOM_WRITERS,
		json: () => ({ text: '同意', stance: 'support' })
	},
	{
		route: 'GET /api/v1/items/[itemId]/comments',
		path: (f) => `/api/v1/items/${f.itemId}/comments`,
		allow: MEMBERS
	},
	{
		route: 'POST /api/v1/comments/[id]/resolve',
		path: (f) => `/api/v1/comments/${f.commentId}/resolve`,
		allow: ['resident', ...RUN],
		json: () => ({ resolved: true }),
		note: 'the author and the moderators'
	},
	// Everyone's own
	{ route: 'GET /api/v1/notifications', path: () => '/api/v1/notifications', allow: SIGNED_IN },
	{
		route: 'POST /api/v1/notifications/read',
		path: () => '/api/v1/notifications/read',
		allow: SIGNED_IN,
		json: () => ({ upTo: 0 })
	},
	{ route: 'GET /api/v1/push/key', path: () => '/api/v1/push/key', allow: ALL },
	{
		route: 'POST /api/v1/push/subscriptions',
		path: () => '/api/v1/push/subscriptions',
		allow: SIGNED_IN,
		json: () => ({ endpoint: 'https://push.example/x', keys: { p256dh: 'x', auth: 'y' } })
	},
	{
		route: 'DELETE /api/v1/push/subscriptions',
		path: () => '/api/v1/push/subscriptions',
		allow: SIGNED_IN,
		json: () => ({ endpoint: 'https://push.example/x' })
	},
	{ route: 'GET /api/v1/search', path: () => '/api/v1/search?q=议事', allow: ALL },
	{ route: 'GET /healthz', path: () => '/healthz', allow: ALL },
	{
		route: 'POST /api/v1/test/clock',
		path: () => '/api/v1/test/clock',
		allow: ALL,
		allowNotFound: true,
		json: () => ({ advanceSeconds: 0 }),
		note: 'absent unless YISHI_TEST_CLOCK=1'
	},
	{
		route: 'GET /api/v1/test/clock',
		path: () => '/api/v1/test/clock',
		allow: ALL,
		allowNotFound: true
	},
	{
		route: 'POST /large',
		path: () => '/large',
		allow: ALL,
		raw: () => form({ on: '1', back: '/' }),
		note: 'the 长辈版 switch: a cookie of the caller’s own'
	},
	// Form actions
	{
		route: 'ACTION /admin?/createUser',
		path: () => '/admin?/createUser',
		allow: ADMIN,
		raw: () =>
			form({
				username: `f${Math.random().toString(36).slice(2, 10)}`,
				password: 'matrix-password',
				role: 'clerk'
			})
	},
	{
		route: 'ACTION /admin?/renameStreet',
		path: () => '/admin?/renameStreet',
		allow: ADMIN,
		raw: (f) => form({ id: f.streetA, name: '甲街道' })
	},
	{
		route: 'ACTION /admin?/renameCommunity',
		path: () => '/admin?/renameCommunity',
		allow: ADMIN,
		raw: (f) => form({ id: f.communityA, name: '甲社区' })
	},
	{
		route: 'ACTION /logout?/default',
		path: () => '/logout',
		allow: ALL,
		last: true,
		raw: () => form({})
	},
	{
		route: 'ACTION /projects/[id]?/rate',
		path: (f) => `/projects/${f.projectId}?/rate`,
		allow: COMMUNITY_MEMBER,
		raw: () => form({ stars: '4' })
	},
	{
		route: 'ACTION /projects/[id]?/milestone',
		path: (f) => `/projects/${f.projectId}?/milestone`,
		allow: RUN,
		raw: () => form({ text: '第二阶段' })
	},
	{
		route: 'ACTION /projects/[id]?/notice',
		path: (f) => `/projects/${f.projectId}?/notice`,
		allow: RUN,
		raw: () => form({ days: '7' })
	},
	{
		route: 'ACTION /sessions/new?/default',
		path: () => '/sessions/new',
		allow: [...RUN, 'otherModerator'],
		raw: () => form({ title: '表单新建', kind: 'live', items: '一' })
	},
	{
		route: 'ACTION /sessions/[id]?/createInvite',
		path: (f) => `/sessions/${f.session.id}?/createInvite`,
		allow: RUN,
		raw: () => form({ role: 'resident' })
	},
	{
		route: 'ACTION /sessions/[id]?/escalate',
		path: (f) => `/sessions/${f.session.id}?/escalate`,
		allow: RUN,
		raw: (f) => form({ itemId: f.escalatedItemId, note: '上报' })
	},
	{
		route: 'ACTION /sessions/[id]?/revokeInvite',
		path: (f) => `/sessions/${f.session.id}?/revokeInvite`,
		allow: RUN,
		raw: (f) => form({ inviteId: f.spareInviteId })
	},
	{
		route: 'ACTION /c/[communityId]?/post',
		path: (f) => `/c/${f.communityA}?/post`,
		allow: COMMUNITY_MEMBER,
		raw: () => form({ title: '井盖', text: '井盖松动' })
	},
	{
		route: 'ACTION /c/[communityId]?/hand',
		path: (f) => `/c/${f.communityA}?/hand`,
		allow: COMMUNITY_MEMBER,
		raw: (f) => form({ opinionId: f.opinionId, raised: '1' })
	},
	{
		route: 'ACTION /c/[communityId]?/respond',
		path: (f) => `/c/${f.communityA}?/respond`,
		allow: RUN,
		raw: (f) => form({ opinionId: f.opinionId, text: '收到' })
	},
	{
		route: 'ACTION /c/[communityId]?/project',
		path: (f) => `/c/${f.communityA}?/project`,
		allow: RUN,
		raw: (f) => form({ opinionId: f.opinionId })
	},
	{
		route: 'ACTION /c/[communityId]/settings?/default',
		path: (f) => `/c/${f.communityA}/settings`,
		allow: RUN,
		raw: () => form({ opinionHandThreshold: '1', opinionResponseHours: '4' })
	},
	{
		route: 'ACTION /c/[communityId]/channels?/save',
		path: (f) => `/c/${f.communityA}/channels?/save`,
		allow: RUN,
		raw: () => form({ wecomWebhook: '' })
	},
	{
		route: 'ACTION /c/[communityId]/channels?/clear',
		path: (f) => `/c/${f.communityA}/channels?/clear`,
		allow: RUN,
		raw: () => form({})
	},
	{
		route: 'ACTION /c/[communityId]/channels?/test',
		path: (f) => `/c/${f.communityA}/channels?/test`,
		allow: RUN,
		raw: () => form({}),
		note: 'no webhook is set in the matrix: 409 for those allowed'
	},
	{
		route: 'ACTION /c/[communityId]/links?/create',
		path: (f) => `/c/${f.communityA}/links?/create`,
		allow: RUN,
		raw: () => form({ role: 'resident' })
	},
	{
		route: 'ACTION /c/[communityId]/links?/revoke',
		path: (f) => `/c/${f.communityA}/links?/revoke`,
		allow: RUN,
		raw: (f) => form({ id: f.communityInviteId })
	},
	{
		route: 'ACTION /street?/settings',
		path: () => '/street?/settings',
		allow: [...STREET, 'otherStreet'],
		raw: () => form({ responseHours: '4' }),
		note: 'each official their own street'
	},
	{
		route: 'ACTION /street/[id]?/step',
		path: (f) => `/street/${f.escalationId}?/step`,
		allow: STREET,
		raw: () => form({ step: 'accept' })
	},
	{
		route: 'ACTION /street/[id]?/consult',
		path: (f) => `/street/${f.escalationId}?/consult`,
		allow: STREET,
		raw: () => form({})
	},
	{
		route: 'ACTION /street/[id]?/invite',
		path: (f) => `/street/${f.escalationId}?/invite`,
		allow: STREET,
		raw: () => form({ role: 'expert' })
	},
	{
		route: 'ACTION /login?/default',
		path: () => '/login',
		allow: ALL,
		raw: () => form({ username: 'admin', password: 'yishi-test-admin-pw' })
	},
	{
		route: 'ACTION /setup?/default',
		path: () => '/setup?token=x',
		allow: ALL,
		allowNotFound: true,
		raw: () => form({ username: 'x', password: 'matrix-password' }),
		note: 'setup is over: refused alike'
	},
	{
		route: 'ACTION /join/[token]?/default',
		path: (f) => `/join/${f.inviteToken}`,
		allow: ALL,
		raw: () => form({ name: '表单' }),
		last: true
	},
	// Owners' procedure: notices, proxies, turnout, announcement (ids no one has: 404 for all)
	{
		route: 'GET /api/v1/communities/[communityId]/notices',
		path: (f) => `/api/v1/communities/${f.communityA}/notices`,
		allow: ALL
	},
	{
		route: 'POST /api/v1/votes/[id]/notice',
		path: (f) => `/api/v1/votes/${f.voteId}/notice`,
		allow: RUN,
		json: () => ({ text: '矩阵公告' })
	},
	{
		route: 'POST /api/v1/sessions/[id]/notice',
		path: (f) => `/api/v1/sessions/${f.session.id}/notice`,
		allow: RUN,
		json: () => ({ text: '矩阵会议公告' })
	},
	{
		route: 'GET /api/v1/notices/[id]',
		path: () => '/api/v1/notices/no-such-notice',
		allow: ALL,
		allowNotFound: true
	},
	{
		route: 'GET /notices/[id]/qr.svg',
		path: () => '/notices/no-such-notice/qr.svg',
		allow: ALL,
		allowNotFound: true
	},
	{
		route: 'GET /api/v1/sessions/[id]/proxies',
		path: (f) => `/api/v1/sessions/${f.session.id}/proxies`,
		allow: MEMBERS
	},
	{
		route: 'POST /api/v1/sessions/[id]/proxies',
		path: (f) => `/api/v1/sessions/${f.session.id}/proxies`,
		allow: CONSOLE,
		note: 'an owner appoints only once seated (403 no_seat); staff record paper appointments',
		json: (f) => ({ voteId: f.voteId })
	},
	{
		route: 'DELETE /api/v1/proxies/[id]',
		path: () => '/api/v1/proxies/no-such-proxy',
		allow: SIGNED_IN,
		allowNotFound: true
	},
	{
		route: 'POST /api/v1/proxies/[id]/confirm',
		path: () => '/api/v1/proxies/no-such-proxy/confirm',
		allow: CONSOLE,
		allowNotFound: true
	},
	{
		route: 'GET /api/v1/votes/[id]/turnout',
		path: (f) => `/api/v1/votes/${f.voteId}/turnout`,
		allow: CONSOLE
	},
	{
		route: 'POST /api/v1/votes/[id]/reminders',
		path: (f) => `/api/v1/votes/${f.voteId}/reminders`,
		allow: CONSOLE
	},
	{
		route: 'GET /api/v1/votes/[id]/announcement',
		path: (f) => `/api/v1/votes/${f.voteId}/announcement`,
		allow: ALL,
		note: 'a draft vote: 409 vote_not_closed for everyone'
	},
	// Trust: the key, signed heads, the ballot list (a draft vote: refused to all), hiding
	{ route: 'GET /api/v1/transparency/key', path: () => '/api/v1/transparency/key', allow: ALL },
	{
		route: 'GET /api/v1/transparency/heads',
		path: () => '/api/v1/transparency/heads?after=0',
		allow: ALL
	},
	{
		route: 'GET /api/v1/sessions/[id]/signed-head',
		path: (f) => `/api/v1/sessions/${f.session.id}/signed-head`,
		allow: MEMBERS
	},
	{
		route: 'GET /api/v1/votes/[id]/ballots',
		path: (f) => `/api/v1/votes/${f.voteId}/ballots`,
		allow: [],
		note: 'before its close the list is no one’s (403 vote_not_closed)'
	},
	{
		route: 'POST /api/v1/moderation/hide',
		path: () => '/api/v1/moderation/hide',
		allow: RUN,
		allowNotFound: true,
		json: () => ({ kind: 'statement', id: 'no-such-statement', reason: '矩阵' })
	},
	{
		route: 'POST /api/v1/moderation/erase',
		path: () => '/api/v1/moderation/erase',
		allow: RUN,
		allowNotFound: true,
		json: () => ({ participantId: 'no-such-participant' })
	},
	// Cost sharing
	{
		route: 'PATCH /api/v1/households/[id]',
		path: (f) => `/api/v1/households/${f.householdId}`,
		allow: CONSOLE,
		json: () => ({ floor: 2 })
	},
	{
		route: 'POST /api/v1/items/[itemId]/cost-schemes',
		path: (f) => `/api/v1/items/${f.itemId}/cost-schemes`,
		allow: RUN,
		json: () => ({ title: '矩阵方案', total: 100, method: { kind: 'household' } })
	},
	{
		route: 'GET /api/v1/items/[itemId]/cost-schemes',
		path: (f) => `/api/v1/items/${f.itemId}/cost-schemes`,
		allow: MEMBERS
	},
	{
		route: 'GET /api/v1/items/[itemId]/cost-schemes/mine',
		path: (f) => `/api/v1/items/${f.itemId}/cost-schemes/mine`,
		allow: MEMBERS
	},
	{
		route: 'POST /api/v1/items/[itemId]/cost-schemes/vote',
		path: (f) => `/api/v1/items/${f.itemId}/cost-schemes/vote`,
		allow: CONSOLE,
		note: 'a draft vote, as any vote: clerks prepare it, moderators open it',
		json: () => ({})
	},
	{
		route: 'GET /api/v1/cost-schemes/[id]/households',
		path: () => '/api/v1/cost-schemes/no-such-scheme/households',
		allow: RUN,
		allowNotFound: true
	},
	{
		route: 'GET /api/v1/cost-schemes/[id]/mine',
		path: () => '/api/v1/cost-schemes/no-such-scheme/mine',
		allow: SIGNED_IN,
		allowNotFound: true
	},
	{
		route: 'POST /api/v1/cost-schemes/[id]/choose',
		path: () => '/api/v1/cost-schemes/no-such-scheme/choose',
		allow: RUN,
		allowNotFound: true,
		json: () => ({})
	},
	{
		route: 'POST /api/v1/cost-schemes/[id]/collections',
		path: () => '/api/v1/cost-schemes/no-such-scheme/collections',
		allow: CONSOLE,
		allowNotFound: true,
		note: 'tried on a real chosen scheme by tests/integration/cost-collection.test.ts',
		json: (f) => ({ householdId: f.householdId, paid: true })
	},
	{
		route: 'GET /api/v1/cost-schemes/[id]/collection',
		path: () => '/api/v1/cost-schemes/no-such-scheme/collection',
		allow: ALL,
		allowNotFound: true,
		note: 'members before the close, anyone after: tests/integration/cost-collection.test.ts'
	},
	{
		route: 'PAGE /s/[id]/collection/[schemeId]',
		path: (f) => `/s/${f.session.id}/collection/no-such-scheme`,
		allow: CONSOLE,
		allowNotFound: true
	},
	{
		route: 'ACTION /s/[id]/collection/[schemeId]?/paid',
		path: (f) => `/s/${f.session.id}/collection/no-such-scheme?/paid`,
		allow: CONSOLE,
		allowNotFound: true,
		raw: (f) => form({ householdId: f.householdId })
	},
	{
		route: 'ACTION /s/[id]/collection/[schemeId]?/outstanding',
		path: (f) => `/s/${f.session.id}/collection/no-such-scheme?/outstanding`,
		allow: CONSOLE,
		allowNotFound: true,
		raw: (f) => form({ householdId: f.householdId })
	},
	// Outcomes: amendments, phase, outcome and progress
	{
		route: 'POST /api/v1/items/[itemId]/amendments',
		path: (f) => `/api/v1/items/${f.itemId}/amendments`,
		allow: ROOM_WRITERS,
		json: () => ({ anchor: { start: {}, end: {} }, text: '矩阵修改' })
	},
	{
		route: 'GET /api/v1/items/[itemId]/amendments',
		path: (f) => `/api/v1/items/${f.itemId}/amendments`,
		allow: MEMBERS
	},
	{
		route: 'POST /api/v1/amendments/[id]/support',
		path: () => '/api/v1/amendments/no-such-amendment/support',
		allow: SIGNED_IN,
		allowNotFound: true
	},
	{
		route: 'POST /api/v1/amendments/[id]/[decision=amendment_decision]',
		path: () => '/api/v1/amendments/no-such-amendment/reject',
		allow: SIGNED_IN,
		allowNotFound: true
	},
	{
		route: 'POST /api/v1/items/[itemId]/phase',
		path: (f) => `/api/v1/items/${f.itemId}/phase`,
		allow: CONSOLE,
		json: () => ({ phase: 'drafting' })
	},
	{
		route: 'POST /api/v1/items/[itemId]/outcome',
		path: (f) => `/api/v1/items/${f.itemId}/outcome`,
		allow: RUN,
		json: () => ({ text: '矩阵结论' })
	},
	{
		route: 'POST /api/v1/items/[itemId]/progress',
		path: (f) => `/api/v1/items/${f.itemId}/progress`,
		allow: RUN,
		json: () => ({ text: '矩阵进展', status: 'in_progress' })
	},
	{
		route: 'GET /api/v1/items/[itemId]/outcome',
		path: (f) => `/api/v1/items/${f.itemId}/outcome`,
		allow: MEMBERS
	},
	{
		// The session is open here: the runner passes the check and meets 409 session_open.
		route: 'POST /api/v1/items/[itemId]/outcome/notice',
		path: (f) => `/api/v1/items/${f.itemId}/outcome/notice`,
		allow: RUN,
		json: () => ({ days: 7 })
	},
	{
		route: 'POST /api/v1/items/[itemId]/outcome/ratings',
		path: (f) => `/api/v1/items/${f.itemId}/outcome/ratings`,
		allow: COMMUNITY_MEMBER,
		json: () => ({ stars: 4 })
	},
	{
		route: 'ACTION /outcomes/[itemId]?/rate',
		path: (f) => `/outcomes/${f.itemId}?/rate`,
		allow: COMMUNITY_MEMBER,
		raw: () => form({ stars: '4' })
	},
	{
		route: 'ACTION /outcomes/[itemId]?/progress',
		path: (f) => `/outcomes/${f.itemId}?/progress`,
		allow: RUN,
		raw: () => form({ text: '表单进展', status: 'in_progress' })
	},
	{
		route: 'ACTION /outcomes/[itemId]?/notice',
		path: (f) => `/outcomes/${f.itemId}?/notice`,
		allow: RUN,
		raw: () => form({ days: '7' })
	},
	// Pages: what each server load renders. Staff pages are refused exactly like the API rows
	// that serve the same data; public pages answer everyone.
	{
		route: 'PAGE /',
		path: () => '/',
		allow: ALL,
		hidden: {
			text: (f) => f.session.title,
			from: ALL.filter((who) => !CONSOLE.includes(who))
		},
		note: 'staff see their own community’s sessions, no one else any'
	},
	{ route: 'PAGE /admin', path: () => '/admin', allow: ADMIN },
	{
		route: 'PAGE /archive',
		path: () => '/archive',
		allow: ALL,
		note: 'a redirect to the default community’s archive'
	},
	{
		route: 'PAGE /archive/[communityId]',
		path: (f) => `/archive/${f.communityA}`,
		allow: ALL
	},
	{ route: 'PAGE /c/[communityId]', path: (f) => `/c/${f.communityA}`, allow: ALL },
	{ route: 'PAGE /c/[communityId]/audit', path: (f) => `/c/${f.communityA}/audit`, allow: RUN },
	{ route: 'PAGE /c/[communityId]/links', path: (f) => `/c/${f.communityA}/links`, allow: RUN },
	{
		route: 'PAGE /c/[communityId]/links/[inviteId]/poster',
		path: (f) => `/c/${f.communityA}/links/${f.communityInviteId}/poster`,
		allow: RUN
	},
	{
		route: 'PAGE /c/[communityId]/channels',
		path: (f) => `/c/${f.communityA}/channels`,
		allow: RUN
	},
	{
		route: 'PAGE /c/[communityId]/settings',
		path: (f) => `/c/${f.communityA}/settings`,
		allow: RUN
	},
	{
		route: 'PAGE /join/[token]',
		path: (f) => `/join/${f.inviteToken}`,
		allow: ALL,
		note: 'members already in are sent on to the room'
	},
	{ route: 'PAGE /login', path: () => '/login', allow: ALL },
	{ route: 'PAGE /logout', path: () => '/logout', allow: ALL, note: 'a GET only goes home' },
	{
		route: 'PAGE /setup',
		path: () => '/setup?token=x',
		allow: ALL,
		note: 'a spent or wrong token is shown as such'
	},
	{
		route: 'PAGE /notices/[id]',
		path: () => '/notices/no-such-notice',
		allow: ALL,
		allowNotFound: true
	},
	{
		route: 'PAGE /notifications',
		path: () => '/notifications',
		allow: SIGNED_IN,
		note: 'each their own feed, a participant’s phone too'
	},
	{ route: 'PAGE /outcomes/[itemId]', path: (f) => `/outcomes/${f.itemId}`, allow: MEMBERS },
	{ route: 'PAGE /projects/[id]', path: (f) => `/projects/${f.projectId}`, allow: ALL },
	{ route: 'PAGE /s/[id]', path: (f) => `/s/${f.session.id}`, allow: MEMBERS },
	{
		route: 'PAGE /s/[id]/console',
		path: (f) => `/s/${f.session.id}/console`,
		allow: CONSOLE
	},
	{
		route: 'PAGE /s/[id]/history',
		path: (f) => `/s/${f.session.id}/history`,
		allow: MEMBERS
	},
	{
		route: 'PAGE /s/[id]/projector',
		path: (f) => `/s/${f.session.id}/projector`,
		allow: MEMBERS
	},
	{ route: 'PAGE /s/[id]/slips', path: (f) => `/s/${f.session.id}/slips`, allow: CONSOLE },
	{
		route: 'PAGE /seat/[code]',
		path: (f) => `/seat/${f.seatCode}`,
		allow: ALL,
		note: 'a slip’s page only says why it cannot seat you (or seats you and goes on)'
	},
	{ route: 'PAGE /sessions/[id]', path: (f) => `/sessions/${f.session.id}`, allow: CONSOLE },
	{
		route: 'PAGE /sessions/[id]/digest',
		path: (f) => `/sessions/${f.session.id}/digest`,
		allow: CONSOLE
	},
	{
		route: 'PAGE /sessions/[id]/print',
		path: (f) => `/sessions/${f.session.id}/print`,
		allow: RUN
	},
	{
		route: 'PAGE /sessions/new',
		path: () => '/sessions/new',
		allow: [...RUN, 'otherModerator'],
		note: 'each moderator opens sessions in their own community'
	},
	{
		route: 'PAGE /street',
		path: () => '/street',
		allow: [...STREET, 'otherStreet'],
		hidden: { text: (f) => f.session.items[1]!.title, from: ['otherStreet'] },
		note: 'each official their own street’s cases'
	},
	{ route: 'PAGE /street/[id]', path: (f) => `/street/${f.escalationId}`, allow: STREET },
	{
		route: 'PAGE /votes/[id]/announcement',
		path: (f) => `/votes/${f.voteId}/announcement`,
		allow: ALL,
		note: 'a draft vote: 409 for everyone'
	},
	{
		route: 'PAGE /votes/[id]/turnout',
		path: (f) => `/votes/${f.voteId}/turnout`,
		allow: CONSOLE
	},
	// The public record of a closed session: after the session's close row (`last`, in order).
	{
		route: 'PAGE /archive/s/[sessionId]',
		path: (f) => `/archive/s/${f.session.id}`,
		allow: ALL,
		last: true
	},
	{
		route: 'PAGE /archive/s/[sessionId]/print',
		path: (f) => `/archive/s/${f.session.id}/print`,
		allow: ALL,
		last: true
	}
];

// ---------------------------------------------------------------------------------------------
// The route table, read from the source

function walk(dir: string): string[] {
	return readdirSync(dir).flatMap((name) => {
		const full = path.join(dir, name);
		return statSync(full).isDirectory() ? walk(full) : [full];
	});
}

const SERVER_LOAD = /export\s+(const\s+load\b|(async\s+)?function\s+load\b)/;

/**
 * `METHOD /path` for every exported handler, `ACTION /path?/name` for every form action and
 * `PAGE /path` for every page a server load renders. Only server loads are listed: a universal
 * `+page.ts`/`+layout.ts` load also runs in the browser, so it can only fetch what the API rows
 * already judge. A `+layout.server.ts` load runs for every page below it, so those pages are
 * listed too; the root layout's is left out: it returns only the caller's own account and the
 * large-mode flag, and would otherwise make every page a row whatever it loads.
 */
export function routeTable(): string[] {
	const routes = path.join(ROOT, 'src/routes');
	const keys: string[] = [];
	const pages = new Set<string>();
	const pageDirs: string[] = [];
	const layouts: string[] = [];
	for (const file of walk(routes)) {
		const rel = path.dirname(path.relative(routes, file)).split(path.sep);
		const url = '/' + rel.filter((p) => !/^\(.*\)$/.test(p) && p !== '.').join('/');
		if (file.endsWith('+page.svelte')) pageDirs.push(url);
		if (!file.endsWith('.ts')) continue;
		const text = readFileSync(file, 'utf8');
		if (file.endsWith('+server.ts')) {
			for (const m of text.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) {
				keys.push(`${m[1]} ${url}`);
			}
		} else if (file.endsWith('+layout.server.ts')) {
			if (url !== '/' && SERVER_LOAD.test(text)) layouts.push(url);
		} else if (file.endsWith('+page.server.ts')) {
			if (SERVER_LOAD.test(text)) pages.add(url);
			const block = /export const actions\s*=\s*\{([\s\S]*?)\n\}\s*satisfies Actions/.exec(text);
			if (!block) continue;
			for (const m of block[1]!.matchAll(/^\t(\w+)\s*:/gm)) keys.push(`ACTION ${url}?/${m[1]}`);
		}
	}
	for (const dir of pageDirs) {
		if (layouts.some((l) => dir === l || dir.startsWith(`${l}/`))) pages.add(dir);
	}
	for (const page of pages) keys.push(`PAGE ${page}`);
	return keys.sort();
}

// ---------------------------------------------------------------------------------------------

let server: ServerHandle;
let fx: Fixture;
const clients = {} as Record<Identity, ApiClient>;

async function signedIn(role: string, extra: Record<string, string>, admin: ApiClient) {
	const username = `${role}${Math.random().toString(36).slice(2, 8)}`;
	const password = `${role}-matrix-pw`;
	expectStatus(
		await admin.post('/api/v1/users', { username, password, role, ...extra }),
		201,
		`create ${role}`
	);
	const client = new ApiClient(server);
	expectStatus(await client.login(username, password), 200, `${role} login`);
	return client;
}

async function setUp() {
	server = await startServer({ startTimeoutMs: 120_000 });
	const admin = await adminClient(server);
	const made = async (p: string, body: unknown) =>
		expectStatus<{ id: string }>(await admin.post(p, body), 201, p);
	const streetA = (await made('/api/v1/streets', { name: '甲街道' })).id;
	const streetB = (await made('/api/v1/streets', { name: '乙街道' })).id;
	const communityA = (await made(`/api/v1/streets/${streetA}/communities`, { name: '甲社区' })).id;
	const communityB = (await made(`/api/v1/streets/${streetB}/communities`, { name: '乙社区' })).id;
	const [moderator, clerk, otherModerator, street, otherStreet] = await Promise.all([
		signedIn('moderator', { communityId: communityA }, admin),
		signedIn('clerk', { communityId: communityA }, admin),
		signedIn('moderator', { communityId: communityB }, admin),
		signedIn('street', { streetId: streetA }, admin),
		signedIn('street', { streetId: streetB }, admin)
	]);
	const session = expectStatus<SessionView>(
		await moderator.post('/api/v1/sessions', {
			title: '甲社区议事会',
			kind: 'live',
			items: [{ title: '加装电梯' }, { title: '停车位' }]
		}),
		201,
		'session'
	);
	expect(session.communityId).toBe(communityA);
	const cloud = expectStatus<SessionView>(
		await moderator.post('/api/v1/sessions', {
			title: '云协商',
			kind: 'cloud',
			items: [{ title: '绿化' }],
			closesAt: new Date(Date.now() + 3 * 86_400_000).toISOString()
		}),
		201,
		'cloud session'
	);
	const invite = async (role: string) =>
		expectStatus<InviteView>(
			await moderator.post(`/api/v1/sessions/${session.id}/invites`, { role }),
			201,
			`${role} invite`
		);
	const roles = ['resident', 'owner', 'property', 'enterprise', 'expert', 'observer'] as const;
	const invites = await Promise.all(roles.map(invite));
	const joined = await Promise.all(
		roles.map((role, i) => joinAs(server, tokenOf(invites[i]!.url), role))
	);
	const spare = await joinAs(server, tokenOf(invites[4]!.url), 'spare');
	const spareInvite = await invite('resident');
	// Community B: a session with a participant, who must not reach A's objects.
	const sessionB = expectStatus<SessionView>(
		await otherModerator.post('/api/v1/sessions', {
			title: '乙社区',
			kind: 'live',
			items: [{ title: '乙' }]
		}),
		201,
		'session B'
	);
	expect(sessionB.communityId).toBe(communityB);
	const inviteB = expectStatus<InviteView>(
		await otherModerator.post(`/api/v1/sessions/${sessionB.id}/invites`, { role: 'resident' }),
		201,
		'invite B'
	);
	const otherParticipant = await joinAs(server, tokenOf(inviteB.url), '乙居民');
	// A community participant of A (the lobby QR), an opinion with a hand, a project.
	const communityInvite = expectStatus<InviteView>(
		await moderator.post(`/api/v1/communities/${communityA}/invites`, { role: 'resident' }),
		201,
		'community invite'
	);
	const member = new ApiClient(server);
	expectStatus(
		await member.post(`/api/v1/join/${tokenOf(communityInvite.url)}`, { name: '社区居民' }),
		200,
		'community join'
	);
	expectStatus(
		await moderator.request('PATCH', `/api/v1/communities/${communityA}`, {
			json: { opinionHandThreshold: 1 }
		}),
		200,
		'threshold'
	);
	const opinion = expectStatus<{ id: string }>(
		await member.post(`/api/v1/communities/${communityA}/opinions`, {
			title: '路灯',
			text: '坏了'
		}),
		201,
		'opinion'
	);
	expectStatus(await member.post(`/api/v1/opinions/${opinion.id}/hands`), 200, 'hand');
	const project = expectStatus<{ projectId: string }>(
		await moderator.post(`/api/v1/opinions/${opinion.id}/project`, {}),
		201,
		'project'
	);
	// The register, a draft vote, a comment, and an escalated item.
	expectStatus(
		await moderator.request('POST', `/api/v1/communities/${communityA}/households`, {
			body: 'building,unit,area,owner\nA栋,101,80.00,甲一\n',
			headers: { 'content-type': 'text/csv' }
		}),
		200,
		'register'
	);
	const [household] = expectStatus<{ id: string; seatCode: string }[]>(
		await moderator.get(`/api/v1/communities/${communityA}/households`),
		200,
		'households'
	);
	const [item, item2] = session.items;
	const draft = expectStatus<{ id: string }>(
		await moderator.post(`/api/v1/items/${item!.id}/votes`, vote),
		201,
		'vote'
	);
	const comment = expectStatus<{ id: string }>(
		await joined[0]!.post(`/api/v1/items/${item!.id}/comments`, { text: '好', stance: 'support' }),
		201,
		'comment'
	);
	expectStatus(
		await moderator.post(`/api/v1/items/${item2!.id}/status`, { status: 'unresolved' }),
		200,
		'unresolved'
	);
	const escalation = expectStatus<{ id: string }>(
		await moderator.post(`/api/v1/items/${item2!.id}/escalations`, { note: '解决不了' }),
		201,
		'escalation'
	);
	fx = {
		streetA,
		streetB,
		communityA,
		communityB,
		session,
		cloud,
		itemId: item!.id,
		escalatedItemId: item2!.id,
		voteId: draft.id,
		commentId: comment.id,
		inviteToken: tokenOf(invites[0]!.url),
		spareInviteId: spareInvite.id,
		communityInviteId: communityInvite.id,
		householdId: household!.id,
		seatCode: household!.seatCode,
		spareParticipantId: spare.participant.id,
		residentParticipantId: joined[0]!.participant.id,
		opinionId: opinion.id,
		projectId: project.projectId,
		escalationId: escalation.id
	};
	Object.assign(clients, {
		anonymous: new ApiClient(server),
		otherParticipant,
		member,
		clerk,
		moderator,
		otherModerator,
		street,
		otherStreet,
		admin
	});
	roles.forEach((role, i) => (clients[role] = joined[i]!));
}

type Outcome = { status: number; refused: boolean; text: string };

/** One call; form actions answer JSON (`{type, status}`) when asked for it, as `use:enhance` does. */
async function call(c: Case, who: Identity): Promise<Outcome> {
	// A copy of the caller's cookies: a join or login in one row must not change who they are.
	const client = clients[who].clone();
	const [method, ...rest] = c.route.split(' ');
	const action = method === 'ACTION';
	const page = method === 'PAGE';
	const raw = c.raw?.(fx);
	const res = await client.request(action ? 'POST' : page ? 'GET' : method!, c.path(fx), {
		...(c.json ? { json: c.json(fx) } : {}),
		...(raw ? { body: raw.body } : {}),
		headers: {
			...(raw ? { 'content-type': raw.type } : {}),
			...(action ? { 'x-sveltekit-action': 'true', accept: 'application/json' } : {}),
			...(page ? { accept: 'text/html' } : {})
		}
	});
	void rest;
	if (page) {
		// A page refuses with its error page (401/403/404) or by sending the reader to sign in
		// and come back; any other redirect (home, into the room) is the page doing its job.
		const location = res.headers.get('location');
		const toLogin =
			[302, 303, 307].includes(res.status) &&
			location !== null &&
			new URL(location, server.origin).pathname === '/login';
		return {
			status: res.status,
			refused: [401, 403, 404].includes(res.status) || toLogin,
			text: res.text
		};
	}
	if (!action) {
		return { status: res.status, refused: [401, 403, 404].includes(res.status), text: res.text };
	}
	const result = (typeof res.body === 'object' && res.body ? res.body : {}) as {
		type?: string;
		status?: number;
		location?: string;
		data?: string;
	};
	const status = result.status ?? res.status;
	const refused =
		(result.type === 'redirect' &&
			(result.location ?? '').startsWith('/login') &&
			!c.path(fx).startsWith('/logout')) ||
		((result.type === 'error' || result.type === 'failure') && [401, 403, 404].includes(status)) ||
		[401, 403, 404].includes(res.status);
	return { status: res.status >= 500 ? res.status : status, refused, text: res.text };
}

describe('authorization matrix: the table', () => {
	it('has a row for every route and form action', () => {
		const table = routeTable();
		const rows = new Set(CASES.map((c) => c.route));
		const missing = table.filter((k) => !rows.has(k));
		const stale = [...rows].filter((k) => !table.includes(k));
		expect({ missing, stale }).toEqual({ missing: [], stale: [] });
	});
});

describe('authorization matrix (routes × identities)', () => {
	beforeAll(setUp, 240_000);
	afterAll(() => server?.dispose());

	it('refuses everyone a row does not allow, and lets the others through', async () => {
		const failures: string[] = [];
		const judge = (c: Case, who: Identity, o: Outcome) => {
			const allowed = c.allow.includes(who);
			if (o.status >= 500)
				failures.push(`${c.route} as ${who}: ${o.status} ${o.text.slice(0, 120)}`);
			else if (allowed && o.refused && !(c.allowNotFound && o.status === 404))
				failures.push(`${c.route} as ${who}: refused (${o.status}) ${o.text.slice(0, 120)}`);
			else if (!allowed && !o.refused)
				failures.push(`${c.route} as ${who}: allowed (${o.status}) ${o.text.slice(0, 120)}`);
			else if (c.hidden?.from.includes(who) && o.text.includes(c.hidden.text(fx)))
				failures.push(`${c.route} as ${who}: shows “${c.hidden.text(fx)}”`);
		};
		const now = CASES.filter((c) => !c.last);
		const jobs = now.flatMap((c) => IDENTITIES.map((who) => [c, who] as const));
		// A bounded pool: the server is one process; 12 calls in flight keep it busy, not drowned.
		let next = 0;
		await Promise.all(
			Array.from({ length: 12 }, async () => {
				while (next < jobs.length) {
					const [c, who] = jobs[next++]!;
					judge(c, who, await call(c, who));
				}
			})
		);
		// Rows that end something: refused callers first (nothing may happen), then the allowed.
		const ending = CASES.filter((r) => r.last);
		// Signing out comes after everything else that needs the callers signed in.
		const outLast = (c: Case) => Number(c.route.includes('logout'));
		for (const c of ending.sort((a, b) => outLast(a) - outLast(b))) {
			const order = [...IDENTITIES].sort(
				(a, b) => Number(c.allow.includes(a)) - Number(c.allow.includes(b))
			);
			for (const who of order) judge(c, who, await call(c, who));
		}
		console.log(
			`authorization matrix: ${CASES.length} routes × ${IDENTITIES.length} identities = ${CASES.length * IDENTITIES.length} calls`
		);
		if (failures.length) console.log(`MATRIX FAILURES\n${failures.join('\n')}`);
		expect(failures).toEqual([]);
	}, 300_000);
});

/**
 * The odd-input battery, bounded: every route of the
 * table, called by a caller it allows with bodies no client should send — NUL bytes and lone
 * surrogates, object-machinery keys, numbers past exact integers, deep nesting, 200 KB strings,
 * wrong types and content types — must answer, never with a 5xx. A fresh server and fixture:
 * nothing here needs the matrix's state, and the matrix never sees what this leaves behind.
 */
const ODD_VALUES: unknown[] = [
	null,
	'',
	'a\u0000b',
	'x\ud800y',
	1e308,
	2 ** 64,
	-1,
	1.5,
	true,
	[],
	{},
	'x'.repeat(200_000),
	'<script>alert(1)</script>',
	{ __proto__: null, constructor: 1 }
];
const DEEP = '['.repeat(50_000) + ']'.repeat(50_000);

interface OddCall {
	route: string;
	who: Identity;
	method: string;
	path: string;
	body?: string;
	type?: string;
	action: boolean;
}

function oddCalls(c: Case): OddCall[] {
	const [method] = c.route.split(' ');
	const action = method === 'ACTION';
	const who: Identity = c.allow.includes('admin') ? 'admin' : (c.allow[0] ?? 'admin');
	const at = c.path(fx);
	const httpMethod = action ? 'POST' : method === 'PAGE' ? 'GET' : method!;
	const base = { route: c.route, who, action, method: httpMethod };
	const calls: OddCall[] = [];
	const sep = at.includes('?') ? '&' : '?';
	for (const q of [
		'q=%00',
		'before=1e308&after=-1',
		'kind=%ED%A0%80&communityId=%00',
		'x=' + 'y'.repeat(8000)
	])
		calls.push({ ...base, path: `${at}${sep}${q}` });
	if (httpMethod === 'GET' || httpMethod === 'DELETE') return calls;
	const json = (value: unknown) => ({
		...base,
		path: at,
		body: JSON.stringify(value),
		type: 'application/json'
	});
	if (action) {
		const fields = c.raw ? [...new URLSearchParams(c.raw(fx).body).keys()] : ['name', 'text', 'id'];
		for (const odd of ['a\u0000b', 'x'.repeat(200_000), '', '-1', '1e308']) {
			const form = new URLSearchParams(fields.map((f) => [f, odd]));
			calls.push({
				...base,
				path: at,
				body: form.toString(),
				type: 'application/x-www-form-urlencoded'
			});
		}
		calls.push({ ...base, path: at, body: '%%%', type: 'application/x-www-form-urlencoded' });
		calls.push({ ...base, path: at, body: '{}', type: 'application/json' });
		return calls;
	}
	for (const whole of [
		null,
		[],
		'text',
		42,
		{},
		JSON.parse('{"__proto__":{"x":1}}'),
		{ constructor: 1 }
	])
		calls.push(json(whole));
	calls.push({ ...base, path: at, body: DEEP, type: 'application/json' });
	calls.push({ ...base, path: at, body: '{"text":', type: 'application/json' });
	calls.push({ ...base, path: at, body: '{"text":"x\\ud800"}', type: 'application/json' });
	calls.push({ ...base, path: at, body: JSON.stringify(c.json?.(fx) ?? {}), type: 'text/plain' });
	calls.push({ ...base, path: at, body: 'a=1&b=2', type: 'application/x-www-form-urlencoded' });
	const valid = c.json?.(fx);
	if (valid && typeof valid === 'object' && !Array.isArray(valid)) {
		for (const key of Object.keys(valid)) {
			for (const odd of ODD_VALUES) calls.push(json({ ...(valid as object), [key]: odd }));
		}
	}
	return calls;
}

describe('odd-input battery (every route, bounded)', () => {
	beforeAll(setUp, 240_000);
	afterAll(() => server?.dispose());

	it('answers every odd body on every route without a 5xx', async () => {
		const skip = (c: Case) => c.last || c.route.includes('/login') || c.route.includes('logout');
		// `npm run torture` (tests/tools/torture.js) repeats the whole set a few times over.
		const rounds = Math.max(1, Number(process.env.YISHI_BATTERY_HTTP_ROUNDS) || 1);
		const once = CASES.filter((c) => !skip(c)).flatMap(oddCalls);
		const calls = Array.from({ length: rounds }, () => once).flat();
		const failures: string[] = [];
		let next = 0;
		await Promise.all(
			Array.from({ length: 8 }, async () => {
				while (next < calls.length) {
					const o = calls[next++]!;
					const res = await clients[o.who].clone().request(o.method, o.path, {
						...(o.body !== undefined ? { body: o.body } : {}),
						headers: {
							...(o.type ? { 'content-type': o.type } : {}),
							...(o.action ? { 'x-sveltekit-action': 'true', accept: 'application/json' } : {}),
							...(o.route.startsWith('PAGE ') ? { accept: 'text/html' } : {})
						}
					});
					const inner = (res.body as { status?: number } | null)?.status;
					const status =
						o.action && typeof inner === 'number' ? Math.max(inner, res.status) : res.status;
					if (status >= 500)
						failures.push(
							`${o.route} ${o.path.slice(0, 80)} ${(o.body ?? '').slice(0, 60)} → ${status} ${res.text.slice(0, 100)}`
						);
				}
			})
		);
		console.log(
			`odd-input battery: ${calls.length} calls over ${new Set(calls.map((c) => c.route)).size} routes, ${failures.length} answered 5xx`
		);
		if (failures.length) console.log(`BATTERY FAILURES\n${failures.join('\n')}`);
		expect(failures).toEqual([]);
	}, 600_000);
});
