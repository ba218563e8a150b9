/**
 * Who pays what, on a phone: an owner takes the seat of their household, sees what it would
 * pay under two cost schemes side by side, and votes between them; the vote's choice is
 * recorded with the hash of the chosen table.
 */
import { expect, test } from '@playwright/test';
import {
	adminClient,
	expectStatus,
	startServer,
	tokenOf,
	type InviteView,
	type ServerHandle,
	type SessionView
} from '../integration/harness';
import { joinOnPhone } from './phones';

const PHONE = {
	viewport: { width: 360, height: 740 },
	isMobile: true,
	hasTouch: true,
	locale: 'zh-CN'
};

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.dispose();
});

test('a phone sees its household’s amount under two schemes and votes between them', async ({
	browser
}) => {
	const admin = await adminClient(server);
	const session = expectStatus<SessionView>(
		await admin.post('/api/v1/sessions', {
			title: '7号楼加装电梯',
			kind: 'live',
			items: [{ title: '电梯费用怎么分' }]
		}),
		201
	);
	const itemId = session.items[0]!.id;
	expectStatus(
		await admin.request('POST', `/api/v1/communities/${session.communityId}/households`, {
			body: 'building,unit,area,owner\n7号楼,101,60.00,o1\n7号楼,201,70.00,o2\n7号楼,301,80.00,o3\n',
			headers: { 'content-type': 'text/csv' }
		}),
		200
	);
	const households = expectStatus<{ unit: string; seatCode: string }[]>(
		await admin.get(`/api/v1/communities/${session.communityId}/households`),
		200
	);
	const top = households.find((h) => h.unit === '301')!;
	// 2 100 yuan by area: 600 / 700 / 800; by floor coefficients 0 / 1 / 2: 0 / 700 / 1 400.
	const byArea = expectStatus<{ id: string }>(
		await admin.post(`/api/v1/items/${itemId}/cost-schemes`, {
			title: '按面积分摊',
			total: 2100,
			method: { kind: 'area' }
		}),
		201
	);
	const byFloor = expectStatus<{ id: string }>(
		await admin.post(`/api/v1/items/${itemId}/cost-schemes`, {
			title: '按楼层系数',
			total: 2100,
			method: { kind: 'floor', coefficients: { '1': 0, '2': 1, '3': 2 } }
		}),
		201
	);
	const invite = expectStatus<InviteView>(
		await admin.post(`/api/v1/sessions/${session.id}/invites`, { role: 'owner' }),
		201
	);
	expectStatus(await admin.post(`/api/v1/sessions/${session.id}/current`, { itemId }), 200);

	// The moderator puts both schemes to a household vote: the phone is asked for its seat.
	const vote = expectStatus<{ id: string }>(
		await admin.post(`/api/v1/items/${itemId}/cost-schemes/vote`, {
			rule: { kind: 'majority_cast' }
		}),
		201
	);
	expectStatus(await admin.post(`/api/v1/votes/${vote.id}/open`, {}), 200);

	const phone = await joinOnPhone(
		browser,
		server.publicUrl(`/join/${tokenOf(invite.url)}`),
		'三楼业主',
		PHONE
	);
	await phone.getByLabel('表决票编码').fill(top.seatCode);
	await phone.getByRole('button', { name: '入座' }).click();

	const area = phone.locator(`[data-scheme="${byArea.id}"]`);
	const floor = phone.locator(`[data-scheme="${byFloor.id}"]`);
	// The unit is masked even on its own phone, as everywhere but the moderators' register.
	await expect(area.getByText('您家（7号楼 3**）应缴 800.00 元')).toBeVisible();
	await expect(floor.getByText(/应缴 1,400\.00 元/)).toBeVisible();

	// The phone chooses the cheaper one for its household.
	const card = phone.getByRole('article', { name: '选择分摊方案' });
	await card.getByRole('radio', { name: '按面积分摊' }).check();
	await card.getByRole('button', { name: '提交' }).click();
	await expect(card.getByText('已投票：按面积分摊')).toBeVisible();

	expectStatus(await admin.post(`/api/v1/votes/${vote.id}/close`, {}), 200);
	const { entries } = expectStatus<{ entries: { type: string; data: Record<string, unknown> }[] }>(
		await admin.get(`/api/v1/sessions/${session.id}/transcript`),
		200
	);
	expect(entries.find((e) => e.type === 'cost_scheme_chosen')?.data).toMatchObject({
		voteId: vote.id,
		schemeId: byArea.id
	});
	await expect(area.getByText('已选定')).toBeVisible();
});
