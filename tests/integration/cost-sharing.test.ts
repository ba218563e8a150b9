/**
 * Cost sharing (src/lib/protocol/REFERENCE.md §12) on the real build, on each store: floors in
 * the register, schemes, the per-household table, a seat holder's own amount, the public list,
 * and a vote between schemes recorded with the hash of the chosen table.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	ApiClient,
	availableStores,
	createSessionWithInvites,
	emitAck,
	expectStatus,
	joinAs,
	socketClient,
	startServer,
	type ServerHandle,
	type SessionFixture
} from './harness';

const register = readFileSync(
	new URL('../fixtures/heping-garden-block-d.csv', import.meta.url),
	'utf8'
);

interface Household {
	id: string;
	building: string;
	unit: string;
	area: number;
	owner: string;
	seatCode: string;
	floor: number;
}
interface Row {
	householdId: string;
	building: string;
	unit: string;
	floor: number;
	area: number;
	amount: number;
}
interface Scheme {
	id: string;
	title: string;
	total: number;
	method: Record<string, unknown>;
	summary: {
		households: number;
		min: number;
		max: number;
		byFloor?: Record<string, { min: number; max: number }>;
	};
}

const fen = (yuan: number) => Math.round(yuan * 100);
const sumFen = (rows: Row[]) => rows.reduce((s, r) => s + fen(r.amount), 0);

describe.each(availableStores())('cost sharing (%s)', (store) => {
	let server: ServerHandle;
	let fx: SessionFixture;
	let households: Household[];
	let itemId: string;
	const importCsv = (body: string) =>
		fx.moderator.request<{ imported: number; errors: { line: number; message: string }[] }>(
			'POST',
			`/api/v1/communities/${fx.session.communityId}/households`,
			{
				body,
				headers: { 'content-type': 'text/csv' }
			}
		);
	const createScheme = (body: unknown) =>
		fx.moderator.post<Scheme>(`/api/v1/items/${itemId}/cost-schemes`, body);

	beforeAll(async () => {
		server = await startServer({ store });
		fx = await createSessionWithInvites(server, {
			roles: ['owner', 'resident'],
			title: '和平花园D栋电梯更新',
			items: [{ title: '电梯更新费用分摊' }, { title: '另一项' }]
		});
		itemId = fx.session.items[0]!.id;
	});
	afterAll(() => server?.dispose());

	it('[COST-API-1] the register derives floors from units, or reads a fifth column; a bad row fails the whole import', async () => {
		const bad = expectStatus<{ imported: number; errors: { line: number; message: string }[] }>(
			await importCsv('building,unit,area,owner\nD栋,101,88.50,o1\nD栋,12,88.50,o2\n'),
			200
		);
		expect(bad.imported).toBe(0);
		expect(bad.errors).toEqual([{ line: 3, message: expect.stringMatching(/floor/) }]);
		expect(
			expectStatus<Household[]>(
				await fx.moderator.get(`/api/v1/communities/${fx.session.communityId}/households`),
				200
			)
		).toEqual([]);

		expect(expectStatus<{ imported: number }>(await importCsv(register), 200).imported).toBe(192);
		// A fifth column: the duplex on the top floor is given as floor 25, another row left empty.
		expectStatus(
			await importCsv(
				'building,unit,area,owner,floor\nE栋,跃层A,150.00,e1,25\nE栋,301,80.00,e2,\n'
			),
			200
		);
		const all = expectStatus<Household[]>(
			await fx.moderator.get(`/api/v1/communities/${fx.session.communityId}/households`),
			200
		);
		const byUnit = new Map(all.map((h) => [`${h.building}${h.unit}`, h]));
		expect(byUnit.get('D栋101')!.floor).toBe(1);
		expect(byUnit.get('D栋1203')!.floor).toBe(12);
		expect(byUnit.get('D栋2408')!.floor).toBe(24);
		expect(byUnit.get('E栋跃层A')!.floor).toBe(25);
		expect(byUnit.get('E栋301')!.floor).toBe(3);

		// Staff correct a floor; a re-import without the column keeps the correction.
		const e301 = byUnit.get('E栋301')!;
		const fixed = expectStatus<Household>(
			await fx.moderator.request('PATCH', `/api/v1/households/${e301.id}`, { json: { floor: 4 } }),
			200
		);
		expect(fixed.floor).toBe(4);
		expect(
			(
				await fx.moderator.request('PATCH', `/api/v1/households/${e301.id}`, {
					json: { floor: 1.5 }
				})
			).status
		).toBe(400);
		const owner = await joinAs(server, fx.invites.owner!.token, '路人');
		expect(
			(await owner.request('PATCH', `/api/v1/households/${e301.id}`, { json: { floor: 2 } })).status
		).toBe(403);
		expectStatus(await importCsv('building,unit,area,owner\nE栋,301,80.00,e2\n'), 200);
		households = expectStatus<Household[]>(
			await fx.moderator.get(`/api/v1/communities/${fx.session.communityId}/households`),
			200
		);
		expect(households.find((h) => h.id === e301.id)!.floor).toBe(4);
		households = households.filter((h) => h.building === 'D栋');
		expect(households).toHaveLength(192);
	});

	it('[COST-API-2] by area at 15 yuan/m² the demo register pays 300 930.00, each household its area × 15', async () => {
		const scheme = expectStatus(
			await createScheme({
				title: '按面积每平方米15元',
				total: 300_930,
				buildings: ['D栋'],
				method: { kind: 'area' }
			}),
			201
		);
		expect(scheme).toMatchObject({
			title: '按面积每平方米15元',
			total: 300_930,
			method: { kind: 'area' },
			summary: { households: 192 }
		});
		const rows = expectStatus<Row[]>(
			await fx.moderator.get(`/api/v1/cost-schemes/${scheme.id}/households`),
			200
		);
		expect(rows).toHaveLength(192);
		expect(sumFen(rows)).toBe(30_093_000);
		for (const r of rows) expect(fen(r.amount)).toBe(fen(r.area) * 15);
		expect(Object.keys(rows[0]!).sort()).toEqual(
			['amount', 'area', 'building', 'floor', 'householdId', 'unit'].sort()
		);
		expect(scheme.summary.min).toBe(Math.min(...rows.map((r) => r.amount)));
		expect(scheme.summary.max).toBe(Math.max(...rows.map((r) => r.amount)));

		const csv = await fx.moderator.get(`/api/v1/cost-schemes/${scheme.id}/households?format=csv`);
		expect(csv.status).toBe(200);
		expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
		const lines = csv.text
			.replace(/^\uFEFF/, '')
			.trim()
			.split(/\r\n/);
		expect(lines[0]).toBe('building,unit,floor,area,amount,owner,householdId');
		expect(lines).toHaveLength(193);
		expect(lines[1]).toBe(`D栋,101,1,88.50,1327.50,owner-001,${rows[0]!.householdId}`);
	});

	it('[COST-API-3] 100.00 over 3 households is 33.34 / 33.33 / 33.33; floors, exemptions, caps and mixes are exact', async () => {
		const three = households.slice(0, 3).map((h) => h.id);
		const equal = expectStatus(
			await createScheme({
				title: '三户平摊',
				total: 100,
				households: three,
				method: { kind: 'household' }
			}),
			201
		);
		const rows = expectStatus<Row[]>(
			await fx.moderator.get(`/api/v1/cost-schemes/${equal.id}/households`),
			200
		);
		expect(rows.map((r) => r.amount)).toEqual([33.34, 33.33, 33.33]);
		expect(equal.summary).toMatchObject({ households: 3, min: 33.33, max: 33.34 });

		// Floor coefficients: floor 1 pays nothing, 2–24 pay by floor number; 101 exempt as well.
		const coefficients = Object.fromEntries(
			Array.from({ length: 24 }, (_, i) => [String(i + 1), i === 0 ? 0 : i + 1])
		);
		const exemptId = households.find((h) => h.unit === '201')!.id;
		const byFloor = expectStatus(
			await createScheme({
				title: '按楼层系数',
				total: 163_000,
				buildings: ['D栋'],
				method: { kind: 'floor', coefficients, exempt: [exemptId] }
			}),
			201
		);
		const floorRows = expectStatus<Row[]>(
			await fx.moderator.get(`/api/v1/cost-schemes/${byFloor.id}/households`),
			200
		);
		expect(sumFen(floorRows)).toBe(16_300_000);
		expect(floorRows.filter((r) => r.floor === 1).every((r) => r.amount === 0)).toBe(true);
		expect(floorRows.find((r) => r.householdId === exemptId)!.amount).toBe(0);
		// Hand count: weights 2..24 × 8 households, less the exempt one on floor 2.
		const weight = Array.from({ length: 23 }, (_, i) => (i + 2) * 8).reduce((s, x) => s + x, 0) - 2;
		const top = floorRows.find((r) => r.unit === '2408')!;
		expect(Math.abs(fen(top.amount) - (16_300_000 * 24) / weight)).toBeLessThan(1);
		expect(byFloor.summary.byFloor?.['1']).toEqual(expect.objectContaining({ min: 0, max: 0 }));

		// A cap: nobody over 2 000 yuan, the rest shared by area among the others, still exact.
		const capped = expectStatus(
			await createScheme({
				title: '按面积封顶',
				total: 300_930,
				buildings: ['D栋'],
				method: { kind: 'area', cap: 2000 }
			}),
			201
		);
		const capRows = expectStatus<Row[]>(
			await fx.moderator.get(`/api/v1/cost-schemes/${capped.id}/households`),
			200
		);
		expect(sumFen(capRows)).toBe(30_093_000);
		expect(Math.max(...capRows.map((r) => r.amount))).toBe(2000);

		const mix = expectStatus(
			await createScheme({
				title: '一半面积一半楼层',
				cost: 895_000,
				fundBalance: 856_000,
				reserve: 124_000,
				buildings: ['D栋'],
				method: { kind: 'mix', areaShare: 0.5, coefficients }
			}),
			201
		);
		expect(mix.total).toBe(163_000);
		expect(mix).toMatchObject({ cost: 895_000, fundBalance: 856_000, reserve: 124_000 });
		const mixRows = expectStatus<Row[]>(
			await fx.moderator.get(`/api/v1/cost-schemes/${mix.id}/households`),
			200
		);
		expect(sumFen(mixRows)).toBe(16_300_000);
	});

	it('[COST-API-4] refuses bad totals, unknown households, missing coefficients and infeasible caps with 400 and a code', async () => {
		const base = { title: 'x', households: [households[0]!.id], method: { kind: 'area' } };
		const codeOf = async (body: unknown) => {
			const res = await createScheme(body);
			expect(res.status).toBe(400);
			return (res.body as unknown as { error: { code: string } }).error.code;
		};
		expect(await codeOf({ ...base, total: 1.005 })).toBe('invalid_total');
		expect(await codeOf({ ...base, total: -5 })).toBe('invalid_total');
		expect(await codeOf({ ...base, total: 'NaN' })).toBe('invalid_total');
		expect(await codeOf({ ...base, total: 0 })).toBe('invalid_total');
		expect(await codeOf({ ...base, total: 10, households: ['no-such-household'] })).toBe(
			'unknown_household'
		);
		expect(
			await codeOf({ ...base, total: 10, method: { kind: 'area', exempt: ['no-such'] } })
		).toBe('unknown_household');
		expect(
			await codeOf({
				...base,
				total: 10,
				method: { kind: 'floor', coefficients: { '7': 1 } }
			})
		).toBe('missing_coefficient');
		expect(
			await codeOf({
				title: 'cap',
				total: 1000,
				households: households.slice(0, 3).map((h) => h.id),
				method: { kind: 'household', cap: 300 }
			})
		).toBe('cap_infeasible');
		expect(await codeOf({ ...base, total: 10, method: { kind: 'rent' } })).toBe('invalid_method');
		const resident = await joinAs(server, fx.invites.resident!.token, '居民');
		expect(
			(await resident.post(`/api/v1/items/${itemId}/cost-schemes`, { ...base, total: 1 })).status
		).toBe(403);
	});

	it('[COST-API-5] the per-household table is for moderators; a seat holder sees their own amount; the list names nobody', async () => {
		const [scheme] = expectStatus<Scheme[]>(
			await fx.moderator.get(`/api/v1/items/${itemId}/cost-schemes`),
			200
		);
		const owner = await joinAs(server, fx.invites.owner!.token, '业主');
		expect((await owner.get(`/api/v1/cost-schemes/${scheme!.id}/households`)).status).toBe(403);
		expect(
			(await new ApiClient(server).get(`/api/v1/cost-schemes/${scheme!.id}/households`)).status
		).toBe(401);
		expect((await owner.get(`/api/v1/cost-schemes/${scheme!.id}/mine`)).status).toBe(403);

		const home = households.find((h) => h.unit === '1203')!;
		expectStatus(
			await owner.post(`/api/v1/sessions/${fx.session.id}/seats`, { seatCode: home.seatCode }),
			200
		);
		const mine = expectStatus<{ householdId: string; amount: number }[]>(
			await owner.get(`/api/v1/cost-schemes/${scheme!.id}/mine`),
			200
		);
		expect(mine).toEqual([{ householdId: home.id, amount: (fen(home.area) * 15) / 100 }]);

		const list = await owner.get<Scheme[]>(`/api/v1/items/${itemId}/cost-schemes`);
		expect(list.status).toBe(200);
		expect(list.body.length).toBeGreaterThanOrEqual(4);
		expect(list.text).not.toContain(home.id);
		expect(list.text).not.toContain('"amount"');
		expect(list.text).not.toContain('owner-');
		for (const s of list.body) {
			expect(Object.keys(s.summary.byFloor ?? {}).length).toBeGreaterThan(0);
		}
		// Not public while the session is open.
		expect((await new ApiClient(server).get(`/api/v1/items/${itemId}/cost-schemes`)).status).toBe(
			401
		);
	});

	it('[COST-API-6] schemes put to a vote: the chosen one is recorded with the SHA-256 of its table', async () => {
		const schemes = expectStatus<Scheme[]>(
			await fx.moderator.get(`/api/v1/items/${itemId}/cost-schemes`),
			200
		);
		const [area, , floor] = [schemes[0]!, schemes[1]!, schemes[2]!];
		const vote = expectStatus<{ id: string; options: { id: string; label: string }[] }>(
			await fx.moderator.post(`/api/v1/items/${itemId}/cost-schemes/vote`, {
				schemeIds: [area.id, floor.id],
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expect(vote.options.map((o) => o.label)).toEqual([area.title, floor.title]);
		const before = expectStatus<Row[]>(
			await fx.moderator.get(`/api/v1/cost-schemes/${floor.id}/households`),
			200
		);
		// The floor scheme is frozen for the vote: a floor corrected now does not move it.
		expectStatus(
			await fx.moderator.request('PATCH', `/api/v1/households/${households[20]!.id}`, {
				json: { floor: 24 }
			}),
			200
		);
		expect(
			expectStatus<Row[]>(
				await fx.moderator.get(`/api/v1/cost-schemes/${floor.id}/households`),
				200
			)
		).toEqual(before);

		const owner = await joinAs(server, fx.invites.owner!.token, '投票的业主');
		const home = households.find((h) => h.unit === '2408')!;
		expectStatus(
			await owner.post(`/api/v1/sessions/${fx.session.id}/seats`, { seatCode: home.seatCode }),
			200
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const socket = await socketClient(server, owner);
		try {
			const joined = await emitAck(socket, 'session:join', { sessionId: fx.session.id });
			expect(joined.ok).toBe(true);
			const cast = await emitAck(socket, 'ballot:cast', {
				voteId: vote.id,
				choice: vote.options[1]!.id
			});
			expect(cast).toMatchObject({ ok: true });
		} finally {
			socket.disconnect();
		}
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/close`, {}), 200);

		const transcript = expectStatus<{
			entries: { type: string; data: Record<string, unknown> }[];
		}>(await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`), 200);
		const chosen = transcript.entries.filter((e) => e.type === 'cost_scheme_chosen');
		expect(chosen).toHaveLength(1);
		const hash = createHash('sha256').update(canonicalize(before)!).digest('hex');
		expect(chosen[0]!.data).toMatchObject({
			voteId: vote.id,
			schemeId: floor.id,
			tableHash: hash,
			total: 163_000
		});
		const listed = expectStatus<(Scheme & { status: string; tableHash?: string })[]>(
			await fx.moderator.get(`/api/v1/items/${itemId}/cost-schemes`),
			200
		);
		expect(listed.find((s) => s.id === floor.id)).toMatchObject({
			status: 'chosen',
			tableHash: hash
		});
		expect(listed.find((s) => s.id === area.id)).toMatchObject({ status: 'voting' });

		// Once the session is closed, anyone reads the list (still without amounts).
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`, {}), 200);
		const anonymous = await new ApiClient(server).get<Scheme[]>(
			`/api/v1/items/${itemId}/cost-schemes`
		);
		expect(anonymous.status).toBe(200);
		expect(anonymous.text).not.toContain('"amount"');
	});
});
