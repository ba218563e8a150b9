/**
 * After a cost scheme is chosen (src/lib/protocol/REFERENCE.md §12): staff tick off who paid,
 * the public sees only how many and how much; and participants drafting schemes when the
 * moderator allows it. On the real build, on each store.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	ApiClient,
	availableStores,
	createSessionWithInvites,
	expectStatus,
	joinAs,
	startServer,
	userClient,
	type ServerHandle,
	type SessionFixture
} from './harness';

interface Household {
	id: string;
	unit: string;
}
interface Summary {
	households: number;
	paid: number;
	outstanding: number;
	collected: number;
	total: number;
}
interface Collection extends Summary {
	table?: { householdId: string; unit: string; amount: number; paid: boolean }[];
}
interface Scheme {
	id: string;
	title: string;
	status: string;
	authorRole: string;
	collection?: Summary;
}
interface Entry {
	type: string;
	actor: { role?: string } | null;
	data: Record<string, unknown>;
}

describe.each(availableStores())('cost collection and participant drafting (%s)', (store) => {
	let server: ServerHandle;
	let fx: SessionFixture;
	let clerk: ApiClient;
	let outsider: ApiClient;
	let owner: ApiClient;
	let resident: ApiClient;
	let observer: ApiClient;
	let byUnit: Map<string, Household>;
	let itemId: string;
	let otherItemId: string;

	const transcript = async () =>
		expectStatus<{ entries: Entry[] }>(
			await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		).entries;

	beforeAll(async () => {
		server = await startServer({ store });
		fx = await createSessionWithInvites(server, {
			roles: ['owner', 'resident', 'observer'],
			title: '加装电梯',
			items: [{ title: '费用分摊' }, { title: '居民提出的方案' }],
			asModerator: true
		});
		[itemId, otherItemId] = [fx.session.items[0]!.id, fx.session.items[1]!.id];
		clerk = await userClient(server, fx.admin, 'clerk');
		const street = expectStatus<{ id: string }>(
			await fx.admin.post('/api/v1/streets', { name: '别的街道' }),
			201
		);
		const other = expectStatus<{ id: string }>(
			await fx.admin.post(`/api/v1/streets/${street.id}/communities`, { name: '别的社区' }),
			201
		);
		outsider = new ApiClient(server);
		const name = `outsider-${store}`;
		expectStatus(
			await fx.admin.post('/api/v1/users', {
				username: name,
				password: `${name}-pw-1234`,
				role: 'moderator',
				communityId: other.id
			}),
			201
		);
		expectStatus(await outsider.login(name, `${name}-pw-1234`), 200);
		owner = await joinAs(server, fx.invites.owner!.token, '三楼业主');
		resident = await joinAs(server, fx.invites.resident!.token, '二楼住户');
		observer = await joinAs(server, fx.invites.observer!.token, '旁听');
		expectStatus(
			await fx.moderator.request(
				'POST',
				`/api/v1/communities/${fx.session.communityId}/households`,
				{
					body: 'building,unit,area,owner\n7号楼,101,60.00,o1\n7号楼,201,70.00,o2\n7号楼,301,80.00,o3\n',
					headers: { 'content-type': 'text/csv' }
				}
			),
			200
		);
		const rows = expectStatus<Household[]>(
			await fx.moderator.get(`/api/v1/communities/${fx.session.communityId}/households`),
			200
		);
		byUnit = new Map(rows.map((h) => [h.unit, h]));
	});
	afterAll(() => server?.dispose());

	it('[COST-DRAFT-1] owners and residents propose schemes only while the moderator allows it, marked with their role', async () => {
		const draft = (title: string) => ({ title, total: 90, method: { kind: 'household' } });
		const post = (client: ApiClient, title: string) =>
			client.post<Scheme>(`/api/v1/items/${otherItemId}/cost-schemes`, draft(title));
		const before = await post(owner, '一楼不出钱');
		expect(before.status).toBe(403);

		// Clerks keep the room running but do not decide who drafts.
		expect(
			(await clerk.post(`/api/v1/sessions/${fx.session.id}/settings`, { costDrafting: true }))
				.status
		).toBe(403);
		expectStatus(
			await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/settings`, {
				costDrafting: true
			}),
			200
		);
		expect(
			expectStatus<{ costDrafting: boolean }>(
				await owner.get(`/api/v1/sessions/${fx.session.id}`),
				200
			).costDrafting
		).toBe(true);

		const byOwner = expectStatus<Scheme>(await post(owner, '按户均摊'), 201);
		expect(byOwner.authorRole).toBe('owner');
		const byResident = expectStatus<Scheme>(await post(resident, '住户方案'), 201);
		expect(byResident.authorRole).toBe('resident');
		expect((await post(observer, '旁听者方案')).status).toBe(403);
		expect((await post(outsider, '外社区方案')).status).toBe(403);

		const listed = expectStatus<Scheme[]>(
			await owner.get(`/api/v1/items/${otherItemId}/cost-schemes`),
			200
		);
		expect(listed.map((s) => [s.title, s.authorRole])).toEqual([
			['按户均摊', 'owner'],
			['住户方案', 'resident']
		]);
		const created = (await transcript()).filter(
			(e) => e.type === 'cost_scheme_created' && e.data.itemId === otherItemId
		);
		expect(created.map((e) => e.actor?.role)).toEqual(['owner', 'resident']);

		expectStatus(
			await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/settings`, {
				costDrafting: false
			}),
			200
		);
		expect((await post(owner, '关掉以后')).status).toBe(403);
		// The moderator still defines schemes, marked as the moderator's.
		expect(expectStatus<Scheme>(await post(fx.moderator, '主持人方案'), 201).authorRole).toBe(
			'moderator'
		);
	});

	it('[COST-COLLECT-1] staff tick off who paid a chosen scheme; members and the public see counts and sums only', async () => {
		const scheme = expectStatus<Scheme>(
			await fx.moderator.post(`/api/v1/items/${itemId}/cost-schemes`, {
				title: '一楼免缴，其余均摊',
				total: 300.01,
				method: { kind: 'household', exempt: [byUnit.get('101')!.id] }
			}),
			201
		);
		const rival = expectStatus<Scheme>(
			await fx.moderator.post(`/api/v1/items/${itemId}/cost-schemes`, {
				title: '按面积',
				total: 300,
				method: { kind: 'area' }
			}),
			201
		);
		const collect = (client: ApiClient, unit: string, paid: boolean) =>
			client.post<Collection>(`/api/v1/cost-schemes/${scheme.id}/collections`, {
				householdId: byUnit.get(unit)!.id,
				paid
			});

		// Nothing to collect before a scheme is chosen.
		expect((await collect(clerk, '201', true)).status).toBe(409);
		expect((await clerk.post(`/api/v1/cost-schemes/${scheme.id}/choose`, {})).status).toBe(403);
		expectStatus(await fx.moderator.post(`/api/v1/cost-schemes/${scheme.id}/choose`, {}), 200);
		expect((await fx.moderator.post(`/api/v1/cost-schemes/${rival.id}/choose`, {})).status).toBe(
			409
		);
		// Chosen by hand, the item's schemes are no longer put to a vote.
		expect(
			(await fx.moderator.post(`/api/v1/items/${itemId}/cost-schemes/vote`, {})).text
		).toContain('scheme_already_chosen');
		const chosen = (await transcript()).filter((e) => e.type === 'cost_scheme_chosen');
		expect(chosen).toHaveLength(1);
		expect(chosen[0]!.data).toMatchObject({ voteId: null, schemeId: scheme.id, households: 3 });
		expect(chosen[0]!.data.tableHash).toMatch(/^[0-9a-f]{64}$/);

		// Exempt 101 owes nothing; 201 and 301 owe 150.01 / 150.00 (the odd fen by register order).
		const start = expectStatus<Collection>(
			await clerk.get(`/api/v1/cost-schemes/${scheme.id}/collection`),
			200
		);
		expect(start).toMatchObject({
			households: 2,
			paid: 0,
			outstanding: 2,
			collected: 0,
			total: 300.01
		});
		expect(start.table!.map((r) => [r.unit, r.amount, r.paid])).toEqual([
			['201', 150.01, false],
			['301', 150, false]
		]);

		const after = expectStatus<Collection>(await collect(clerk, '201', true), 200);
		expect(after).toMatchObject({ paid: 1, outstanding: 1, collected: 150.01 });
		expect(after.table!.find((r) => r.unit === '201')!.paid).toBe(true);
		// Again: nothing changes and nothing more is recorded.
		const entries = (await transcript()).length;
		expect(expectStatus<Collection>(await collect(fx.moderator, '201', true), 200).paid).toBe(1);
		expect((await transcript()).length).toBe(entries);
		expect(expectStatus<Collection>(await collect(fx.moderator, '301', true), 200)).toMatchObject({
			paid: 2,
			outstanding: 0,
			collected: 300.01
		});
		expect(expectStatus<Collection>(await collect(fx.moderator, '301', false), 200)).toMatchObject({
			paid: 1,
			outstanding: 1,
			collected: 150.01
		});

		// Refused: a household that owes nothing, a bad body, participants, another community.
		const exempt = await collect(clerk, '101', true);
		expect(exempt.status).toBe(400);
		expect(exempt.text).toContain('unknown_household');
		expect(
			(
				await clerk.post(`/api/v1/cost-schemes/${scheme.id}/collections`, {
					householdId: byUnit.get('201')!.id,
					paid: 'yes'
				})
			).status
		).toBe(400);
		expect((await collect(owner, '301', true)).status).toBe(403);
		expect((await collect(outsider, '301', true)).status).toBe(403);
		expect(
			(
				await clerk.post('/api/v1/cost-schemes/no-such-scheme/collections', {
					householdId: byUnit.get('201')!.id,
					paid: true
				})
			).status
		).toBe(404);

		// A member reads the summary, without units, ids or amounts; the public not yet.
		const seen = await owner.get<Collection>(`/api/v1/cost-schemes/${scheme.id}/collection`);
		expect(seen.status).toBe(200);
		expect(seen.body).toEqual({
			households: 2,
			paid: 1,
			outstanding: 1,
			collected: 150.01,
			total: 300.01
		});
		for (const h of byUnit.values()) expect(seen.text).not.toContain(h.id);
		expect(
			(await new ApiClient(server).get(`/api/v1/cost-schemes/${scheme.id}/collection`)).status
		).toBe(401);
		expect((await outsider.get(`/api/v1/cost-schemes/${scheme.id}/collection`)).status).toBe(403);

		// The transcript says a household paid by pseudonym only; the audit log names it for staff.
		const recorded = (await transcript()).filter((e) => e.type === 'cost_collection_recorded');
		expect(recorded.map((e) => [e.data.paid, e.data.paidHouseholds])).toEqual([
			[true, 1],
			[true, 2],
			[false, 1]
		]);
		for (const e of recorded) {
			expect(e.data.household).toMatch(/^v-[0-9a-f]{12}$/);
			const text = JSON.stringify(e.data);
			for (const h of byUnit.values()) {
				expect(text).not.toContain(h.id);
				expect(text).not.toContain(`"${h.unit}"`);
			}
		}
		expect(recorded[1]!.data.household).not.toBe(recorded[0]!.data.household);
		expect(recorded[2]!.data.household).toBe(recorded[1]!.data.household);
		const audit = expectStatus<{ entries: { action: string; target: string; data: unknown }[] }>(
			await fx.moderator.get(`/api/v1/audit?communityId=${fx.session.communityId}`),
			200
		);
		expect(
			audit.entries.filter((e) => e.action === 'cost_collection_recorded').map((e) => e.data)
		).toEqual(
			expect.arrayContaining([
				{ householdId: byUnit.get('201')!.id, paid: true },
				{ householdId: byUnit.get('301')!.id, paid: false }
			])
		);

		// The staff checklist page lists units; a participant is sent to sign in as staff.
		const page = await clerk.get(`/s/${fx.session.id}/collection/${scheme.id}`, {
			headers: { accept: 'text/html' }
		});
		expect(page.status).toBe(200);
		expect(page.text).toContain('301');
		expect(page.text).toContain('150.01');
		expect(
			(
				await owner.get(`/s/${fx.session.id}/collection/${scheme.id}`, {
					headers: { accept: 'text/html' }
				})
			).status
		).toBe(303);

		// Once the session is closed: anyone reads the summary (also in the item's scheme list
		// and on the public record), and staff keep collecting.
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`, {}), 200);
		expectStatus(await collect(clerk, '301', true), 200);
		const anonymous = new ApiClient(server);
		expect(
			expectStatus<Collection>(
				await anonymous.get(`/api/v1/cost-schemes/${scheme.id}/collection`),
				200
			)
		).toEqual({ households: 2, paid: 2, outstanding: 0, collected: 300.01, total: 300.01 });
		const list = expectStatus<Scheme[]>(
			await anonymous.get(`/api/v1/items/${itemId}/cost-schemes`),
			200
		);
		expect(list.find((s) => s.id === scheme.id)).toMatchObject({
			status: 'chosen',
			collection: { paid: 2, outstanding: 0 }
		});
		expect(list.find((s) => s.id === rival.id)!.collection).toBeUndefined();
		const record = await anonymous.get(`/archive/s/${fx.session.id}`, {
			headers: { accept: 'text/html' }
		});
		expect(record.status).toBe(200);
		expect(record.text).toContain('已缴 2/2 户');
		expect(record.text).not.toContain(byUnit.get('301')!.id);
	});
});
