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
import { joinOnPhone, PHONE_360 as PHONE } from './phones';

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

test('an owner proposes a scheme from the phone when the moderator allows it, and sees its amount', async ({
	browser
}) => {
	// Its own server: the register of the test above is in use by its vote.
	const own = await startServer();
	try {
		const admin = await adminClient(own);
		const session = expectStatus<SessionView>(
			await admin.post('/api/v1/sessions', {
				title: '5号楼外墙维修',
				kind: 'live',
				items: [{ title: '维修费用怎么分' }]
			}),
			201
		);
		const itemId = session.items[0]!.id;
		expectStatus(
			await admin.request('POST', `/api/v1/communities/${session.communityId}/households`, {
				body: 'building,unit,area,owner\n5号楼,101,60.00,p1\n5号楼,201,70.00,p2\n5号楼,301,80.00,p3\n',
				headers: { 'content-type': 'text/csv' }
			}),
			200
		);
		const households = expectStatus<{ unit: string; seatCode: string }[]>(
			await admin.get(`/api/v1/communities/${session.communityId}/households`),
			200
		);
		const invite = expectStatus<InviteView>(
			await admin.post(`/api/v1/sessions/${session.id}/invites`, { role: 'owner' }),
			201
		);
		expectStatus(await admin.post(`/api/v1/sessions/${session.id}/current`, { itemId }), 200);
		expectStatus(
			await admin.post(`/api/v1/sessions/${session.id}/settings`, { costDrafting: true }),
			200
		);

		const phone = await joinOnPhone(
			browser,
			own.publicUrl(`/join/${tokenOf(invite.url)}`),
			'二楼业主',
			PHONE
		);
		await phone.getByText('提出分摊方案').click();
		await phone.getByLabel('方案名称').fill('按户均摊');
		await phone.getByLabel('分摊总额（元）').fill('3000');
		await phone.getByLabel('分摊方式').selectOption('household');
		await phone.getByRole('button', { name: '提交方案' }).click();
		await expect(phone.getByText('方案「按户均摊」已提交，已列在下方。')).toBeVisible();
		// With a scheme on the item, the phone offers to take its household's seat.
		await phone.getByLabel('表决票编码').fill(households.find((h) => h.unit === '201')!.seatCode);
		await phone.getByRole('button', { name: '入座' }).click();
		// 3 000 yuan over three households: 1 000 each, on the phone that proposed it.
		await expect(phone.getByText('您家（5号楼 2**）应缴 1,000.00 元')).toBeVisible();

		const schemes = expectStatus<{ title: string; authorRole: string }[]>(
			await admin.get(`/api/v1/items/${itemId}/cost-schemes`),
			200
		);
		expect(schemes).toEqual([expect.objectContaining({ title: '按户均摊', authorRole: 'owner' })]);
	} finally {
		await own.dispose();
	}
});
