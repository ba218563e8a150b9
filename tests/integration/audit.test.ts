/**
 * The audit log of staff actions outside a room (REFERENCE.md, additions to §2): who, when, what,
 * from where; a community's moderators read their community's, nobody else's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	ApiClient,
	createSessionWithInvites,
	expectStatus,
	joinAs,
	startServer,
	tokenOf,
	userClient,
	type InviteView,
	type ServerHandle
} from './harness';

let server: ServerHandle;
beforeAll(async () => {
	server = await startServer();
});
afterAll(async () => {
	await server?.dispose();
});

interface AuditEntry {
	action: string;
	user: { username: string } | null;
	target: string | null;
	data: Record<string, unknown>;
	ip: string | null;
}

describe('audit log', () => {
	it('records invites, register work and hides, for the community’s moderators only', async () => {
		const fx = await createSessionWithInvites(server, { roles: ['resident'], asModerator: true });
		const moderator = fx.moderator as ApiClient & { user: { username: string } };
		const communityId = fx.session.communityId;
		// A link, someone joining by it, the link revoked with them.
		const leaked = expectStatus<InviteView>(
			await moderator.post(`/api/v1/sessions/${fx.session.id}/invites`, { role: 'resident' }),
			201
		);
		const wang = await joinAs(server, tokenOf(leaked.url), '王阿姨');
		const said = expectStatus<{ id: string }>(
			await wang.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: '要撤回的话' }),
			201
		);
		expectStatus(
			await moderator.post('/api/v1/moderation/hide', {
				kind: 'statement',
				id: said.id,
				reason: '涉及个人信息'
			}),
			200
		);
		expectStatus(await moderator.del(`/api/v1/invites/${leaked.id}?participants=remove`), 200);
		// The register: imported, then one floor corrected.
		expectStatus(
			await moderator.request('POST', `/api/v1/communities/${communityId}/households`, {
				body: 'building,unit,area,owner\nD栋,1203,88.50,甲\n',
				headers: { 'content-type': 'text/csv' }
			}),
			200
		);
		const [household] = expectStatus<{ id: string }[]>(
			await moderator.get(`/api/v1/communities/${communityId}/households`),
			200
		);
		expectStatus(
			await moderator.request('PATCH', `/api/v1/households/${household!.id}`, {
				json: { floor: 11 }
			}),
			200
		);

		const { entries } = expectStatus<{ entries: AuditEntry[] }>(
			await moderator.get(`/api/v1/audit?communityId=${communityId}`),
			200
		);
		const mine = entries.filter((e) => e.user?.username === moderator.user.username);
		expect(mine.map((e) => e.action)).toEqual(
			expect.arrayContaining([
				'invite_created',
				'text_hidden',
				'invite_revoked',
				'register_imported',
				'household_corrected'
			])
		);
		expect(mine.find((e) => e.action === 'invite_revoked')).toMatchObject({
			target: leaked.id,
			data: { removed: 1 }
		});
		expect(mine.find((e) => e.action === 'household_corrected')).toMatchObject({
			data: { floor: { from: 12, to: 11 } }
		});
		expect(mine.every((e) => typeof e.ip === 'string' && e.ip.length > 0)).toBe(true);

		// The page says the same in words.
		const page = await moderator.get(`/c/${communityId}/audit`, {
			headers: { accept: 'text/html' }
		});
		expect(page.status).toBe(200);
		for (const words of ['撤回邀请链接', '隐藏发言', '更正名册', moderator.user.username])
			expect(page.text).toContain(words);

		// Another community's moderator, a clerk and a participant read none of it.
		const street = expectStatus<{ id: string }>(
			await fx.admin.post('/api/v1/streets', { name: '审计街道' }),
			201
		);
		const other = expectStatus<{ id: string }>(
			await fx.admin.post(`/api/v1/streets/${street.id}/communities`, { name: '审计社区' }),
			201
		);
		const outsider = new ApiClient(server);
		expectStatus(
			await fx.admin.post('/api/v1/users', {
				username: 'audit-outsider',
				password: 'audit-outsider-pw',
				role: 'moderator',
				communityId: other.id
			}),
			201
		);
		expectStatus(await outsider.login('audit-outsider', 'audit-outsider-pw'), 200);
		expect([403, 404]).toContain(
			(await outsider.get(`/api/v1/audit?communityId=${communityId}`)).status
		);
		expect([403, 404]).toContain(
			(await outsider.get(`/c/${communityId}/audit`, { headers: { accept: 'text/html' } })).status
		);
		const clerk = await userClient(server, fx.admin, 'clerk');
		expect((await clerk.get(`/api/v1/audit?communityId=${communityId}`)).status).toBe(403);
		const resident = await joinAs(server, fx.invites.resident!.token, '李师傅');
		expect([401, 403]).toContain((await resident.get(`/api/v1/audit`)).status);
	});
});
