/**
 * The contract's §9–§12 (src/lib/protocol/REFERENCE.md) driven as a foreign client would (a
 * street platform, a script): public HTTP and socket.io calls only, each community of its own,
 * and results counted by hand in the test.
 * Rows covered elsewhere in more depth (owners.test.ts, outcomes.test.ts, search.test.ts,
 * cost-sharing.test.ts) are checked here for their exact names and shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import {
	ApiClient,
	adminClient,
	availableStores,
	emitAck,
	eventually,
	expectStatus,
	joinAs,
	socketClient,
	startServer,
	tokenOf,
	whenSynced,
	yjsProvider,
	type ApiResponse,
	type ClientSocket,
	type ServerHandle
} from './harness';

interface Household {
	id: string;
	building: string;
	unit: string;
	area: number;
	owner: string;
	seatCode: string;
	floor: number;
}
type Phone = ApiClient & { participant: { id: string; name: string; role: string } };
type Tally = {
	voteId: string;
	status: string;
	counts?: Record<string, { headcount: number; area: number }>;
	participation: Record<string, number>;
	result?: Record<string, unknown> & { passed: boolean };
};

/** The first Y.XmlText of the proposal (depth first) whose text holds `passage`. */
function textContaining(doc: Y.Doc, passage: string): Y.XmlText | null {
	const walk = (node: Y.XmlElement | Y.XmlFragment): Y.XmlText | null => {
		for (const child of node.toArray()) {
			if (child instanceof Y.XmlText) {
				if (child.toString().includes(passage)) return child;
			} else if (child instanceof Y.XmlElement) {
				const found = walk(child);
				if (found) return found;
			}
		}
		return null;
	};
	return walk(doc.getXmlFragment('prosemirror'));
}

/** An anchor `{start, end}` over `passage`, as `Y.relativePositionToJSON` gives them (§6). */
function anchorOf(doc: Y.Doc, passage: string) {
	const text = textContaining(doc, passage);
	if (!text) throw new Error(`"${passage}" is not in the proposal`);
	const at = text.toString().indexOf(passage);
	return {
		start: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, at)),
		end: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, at + passage.length))
	};
}

const codeOf = (res: ApiResponse) => (res.body as { error?: { code?: string } }).error?.code;
const keys = (o: unknown) => Object.keys(o as object).sort();
const DAY_MS = 86_400_000;

/** A 4xx with the contract's error shape: what a foreign client can branch on. */
function expectRefused(res: ApiResponse, status: number, code?: string) {
	expect(res.status, res.text).toBe(status);
	const error = (res.body as { error?: { code?: unknown; message?: unknown } }).error;
	expect(typeof error?.code).toBe('string');
	expect(typeof error?.message).toBe('string');
	if (code) expect(error?.code).toBe(code);
}

describe.each(availableStores())('contract §9–§12 as a foreign client drives it (%s)', (store) => {
	let server: ServerHandle;
	let admin: ApiClient;
	const sockets: ClientSocket[] = [];
	const providers: { destroy(): void }[] = [];

	beforeAll(async () => {
		server = await startServer({ store });
		admin = await adminClient(server);
	}, 120_000);
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		for (const p of providers) p.destroy();
		await server?.dispose();
	});

	/** A community of its own with a moderator, a clerk, a register and one session. */
	async function community(name: string, csv: string, items = [{ title: '议题' }]) {
		const c = expectStatus<{ id: string }>(
			await admin.post('/api/v1/streets/default-street/communities', { name }),
			201
		);
		const account = async (role: 'moderator' | 'clerk') => {
			const username = `${role}-${c.id.slice(-8)}-${Math.random().toString(36).slice(2, 8)}`;
			const password = `${role}-pw-0123456789`;
			expectStatus(
				await admin.post('/api/v1/users', { username, password, role, communityId: c.id }),
				201
			);
			const client = new ApiClient(server);
			expectStatus(await client.login(username, password), 200);
			return client;
		};
		const mod = await account('moderator');
		const clerk = await account('clerk');
		const imported = await mod.request<{ imported: number; errors: unknown[] }>(
			'POST',
			`/api/v1/communities/${c.id}/households`,
			{ body: csv, headers: { 'content-type': 'text/csv' } }
		);
		expect(expectStatus(imported, 200).errors).toEqual([]);
		const households = expectStatus<Household[]>(
			await mod.get(`/api/v1/communities/${c.id}/households`),
			200
		);
		const session = expectStatus<{ id: string; items: { id: string; docName: string }[] }>(
			await mod.post('/api/v1/sessions', { title: `${name}议事会`, kind: 'live', items }),
			201
		);
		const invite = async (role: string) =>
			tokenOf(
				expectStatus<{ url: string }>(
					await mod.post(`/api/v1/sessions/${session.id}/invites`, { role }),
					201
				).url
			);
		const unit = (u: string) => households.find((h) => h.unit === u)!;
		return { id: c.id, mod, clerk, households, session, invite, unit };
	}

	async function inRoom(client: ApiClient, sessionId: string) {
		const socket = await socketClient(server, client);
		sockets.push(socket);
		const ack = await emitAck(socket, 'session:join', { sessionId });
		expect(ack.ok).toBe(true);
		return socket;
	}

	async function owner(token: string, name: string, seatCode: string): Promise<Phone> {
		const phone = await joinAs(server, token, name);
		const seat = expectStatus<{ householdId: string }>(
			await phone.post(`/api/v1/sessions/${phone.sessionId}/seats`, { seatCode }),
			200
		);
		expect(keys(seat)).toEqual(['householdId']);
		return phone;
	}

	const SIX = [
		'building,unit,area,owner',
		'A,101,80.00,甲',
		'A,102,100.00,乙',
		'A,201,80.00,丙',
		'A,202,120.00,丁',
		'A,301,90.50,戊',
		'A,302,110.25,己'
	].join('\n');

	it('[C9-NOTICE] PATCH sets the period; notice {id, publishedAt, openFrom}; notice_period until then; {reason} opens; turnout for staff only; announcement once closed', async () => {
		const c = await community('公告社区', SIX);
		const patched = expectStatus<Record<string, unknown>>(
			await c.mod.request('PATCH', `/api/v1/communities/${c.id}`, {
				json: { noticeDays: 15, proxySeatCap: 3 }
			}),
			200
		);
		expect(patched).toMatchObject({ noticeDays: 15, proxySeatCap: 3 });
		for (const bad of [{ noticeDays: -1 }, { noticeDays: '15' }, { proxySeatCap: 0 }, {}]) {
			const res = await c.mod.request('PATCH', `/api/v1/communities/${c.id}`, { json: bad });
			expect(res.status, JSON.stringify(bad)).toBe(400);
		}

		const ownerToken = await c.invite('owner');
		const phones = [
			await owner(ownerToken, '甲', c.unit('101').seatCode),
			await owner(ownerToken, '丙', c.unit('201').seatCode)
		];
		const vote = expectStatus<{ id: string; status: string; options: { id: string }[] }>(
			await c.mod.post(`/api/v1/items/${c.session.items[0]!.id}/votes`, {
				question: '是否同意更换楼道灯？',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'households',
				rule: { kind: 'civil_code_278', matter: 'ordinary' }
			}),
			201
		);
		expect(vote.status).toBe('draft');
		expect(vote.options.map((o) => o.id)).toEqual(['yes', 'no', 'abstain']);
		// Nothing published yet, and one is required.
		expectRefused(await c.mod.post(`/api/v1/votes/${vote.id}/open`, {}), 409, 'notice_period');

		const notice = expectStatus<{ id: string; publishedAt: string; openFrom: string }>(
			await c.mod.post(`/api/v1/votes/${vote.id}/notice`, {
				text: '本次表决更换楼道灯',
				place: 'A栋大堂'
			}),
			201
		);
		expect(keys(notice)).toEqual(['id', 'openFrom', 'publishedAt']);
		expect(Date.parse(notice.openFrom) - Date.parse(notice.publishedAt)).toBe(15 * DAY_MS);
		const listed = expectStatus<Record<string, unknown>[]>(
			await new ApiClient(server).get(`/api/v1/communities/${c.id}/notices`),
			200
		);
		expect(listed).toEqual([
			{
				id: notice.id,
				sessionId: c.session.id,
				voteId: vote.id,
				title: '是否同意更换楼道灯？',
				text: '本次表决更换楼道灯',
				publishedAt: notice.publishedAt,
				openFrom: notice.openFrom
			}
		]);

		expectRefused(await c.mod.post(`/api/v1/votes/${vote.id}/open`, {}), 409, 'notice_period');
		expectRefused(await c.mod.post(`/api/v1/votes/${vote.id}/open`, { reason: 7 }), 400);
		expectStatus(
			await c.mod.post(`/api/v1/votes/${vote.id}/open`, { reason: '漏电危险，需尽快决定' }),
			200
		);

		// Turnout: staff only, with the exact shape.
		const resident = await joinAs(server, await c.invite('resident'), '租户');
		expectRefused(await resident.get(`/api/v1/votes/${vote.id}/turnout`), 403);
		expectRefused(await phones[0]!.get(`/api/v1/votes/${vote.id}/turnout`), 403);
		expectRefused(await new ApiClient(server).get(`/api/v1/votes/${vote.id}/turnout`), 401);
		const before = expectStatus<{
			participation: Record<string, number>;
			needed: Record<string, number>;
			notVoted: Record<string, string>[];
		}>(await c.clerk.get(`/api/v1/votes/${vote.id}/turnout`), 200);
		expect(keys(before)).toEqual(['needed', 'notVoted', 'participation']);
		// Six owners, 580.75 m²; Art. 278 asks two thirds of both to take part: 4 owners, 387.17 m².
		expect(before.participation).toEqual({
			headcount: 0,
			area: 0,
			eligibleHeadcount: 6,
			eligibleArea: 580.75
		});
		expect(before.needed).toEqual({ headcount: 4, area: 387.17 });
		expect(before.notVoted).toHaveLength(6);
		expect(before.notVoted[0]).toEqual({
			householdId: c.unit('101').id,
			building: 'A',
			unit: '101'
		});

		const s0 = await inRoom(phones[0]!, c.session.id);
		expect(await emitAck(s0, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
			ok: true
		});
		const after = expectStatus<{ participation: Record<string, number>; notVoted: unknown[] }>(
			await c.mod.get(`/api/v1/votes/${vote.id}/turnout`),
			200
		);
		expect(after.participation).toMatchObject({ headcount: 1, area: 80 });
		expect(after.notVoted).toHaveLength(5);

		// Not public while open.
		const anyone = new ApiClient(server);
		expect((await anyone.get(`/api/v1/votes/${vote.id}/announcement`)).status).toBe(409);
		expectStatus(await c.mod.post(`/api/v1/votes/${vote.id}/close`, {}), 200);
		const a = expectStatus<Record<string, unknown>>(
			await anyone.get(`/api/v1/votes/${vote.id}/announcement`),
			200
		);
		for (const k of ['voteId', 'result', 'checks', 'participation', 'proxySeats', 'paperSeats'])
			expect(a).toHaveProperty(k);
		expect(a).toMatchObject({
			voteId: vote.id,
			proxySeats: 0,
			paperSeats: 0,
			earlyReason: '漏电危险，需尽快决定',
			notice: { id: notice.id, publishedAt: notice.publishedAt, openFrom: notice.openFrom },
			participation: { headcount: 1, area: 80, eligibleHeadcount: 6, eligibleArea: 580.75 }
		});
		expect((a.result as { passed: boolean }).passed).toBe(false);
		expect(Array.isArray(a.checks)).toBe(true);
		expectRefused(await anyone.get('/api/v1/votes/no-such-vote/announcement'), 404);
		expectRefused(await c.mod.get('/api/v1/votes/no-such-vote/turnout'), 404);
	}, 120_000);

	it('[C9-PROXY] the cap (default 5), seat_already_voted, householdId, and an owner who votes first takes the seat back', async () => {
		const csv = [
			'building,unit,area,owner',
			...[1, 2, 3, 4, 5, 6, 7, 8].map((i) => `B,${i}01,100.00,业主${i}`)
		].join('\n');
		const c = await community('代理社区', csv);
		const sid = c.session.id;
		const ownerToken = await c.invite('owner');
		const owners: Phone[] = [];
		for (let i = 1; i <= 8; i++)
			owners.push(await owner(ownerToken, `业主${i}`, c.unit(`${i}01`).seatCode));

		// Only owners, residents and proxies hold seats.
		for (const role of ['expert', 'observer', 'property', 'enterprise']) {
			const other = await joinAs(server, await c.invite(role), role);
			expectRefused(
				await other.post(`/api/v1/sessions/${sid}/seats`, { seatCode: c.unit('801').seatCode }),
				403,
				'cannot_hold_seat'
			);
		}

		// 代理人 takes up whole-session appointments of owners 1–5: the default cap is 5 seats.
		const holder = new ApiClient(server);
		const links: { id: string; url: string; seats: string[] }[] = [];
		for (let i = 0; i < 6; i++) {
			const link = expectStatus<{ id: string; url: string; seats: string[] }>(
				await owners[i]!.post(`/api/v1/sessions/${sid}/proxies`, {}),
				201
			);
			expect(keys(link)).toEqual(expect.arrayContaining(['id', 'seats', 'url']));
			expect(link.url).toBe(`${server.origin}/join/${tokenOf(link.url)}`);
			expect(link.seats).toEqual([c.unit(`${i + 1}01`).id]);
			links.push(link);
		}
		for (let i = 0; i < 5; i++) {
			const taken = expectStatus<{
				participant: { id: string; role: string };
				sessionId: string;
				proxy: { id: string; seats: string[] };
			}>(await holder.post(`/api/v1/join/${tokenOf(links[i]!.url)}`, { name: '代理人' }), 200);
			expect(taken.sessionId).toBe(sid);
			expect(taken.proxy).toEqual({ id: links[i]!.id, seats: links[i]!.seats });
		}
		expectRefused(
			await holder.post(`/api/v1/join/${tokenOf(links[5]!.url)}`, { name: '代理人' }),
			409,
			'proxy_cap'
		);
		// Bad input to the appointment: a 4xx, never a 500.
		expectRefused(await owners[6]!.post(`/api/v1/sessions/${sid}/proxies`, { voteId: 5 }), 400);
		expect(
			(await owners[6]!.post(`/api/v1/sessions/${sid}/proxies`, { voteId: 'no-such-vote' })).status
		).toBeGreaterThanOrEqual(400);
		expectRefused(await owners[6]!.del('/api/v1/proxies/no-such-proxy'), 404);

		const vote = expectStatus<{ id: string }>(
			await c.mod.post(`/api/v1/items/${c.session.items[0]!.id}/votes`, {
				question: '是否同意粉刷外墙？',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'households',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await c.mod.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const hs = await inRoom(holder, sid);
		const os = await Promise.all(owners.map((o) => inRoom(o, sid)));

		// Owner 1 votes before the proxy: the seat is theirs for this vote.
		expect(await emitAck(os[0]!, 'ballot:cast', { voteId: vote.id, choice: 'no' })).toMatchObject({
			ok: true
		});
		// The proxy votes for owner 2's seat alone, by householdId.
		expect(
			await emitAck(hs, 'ballot:cast', {
				voteId: vote.id,
				choice: 'yes',
				householdId: c.unit('201').id
			})
		).toMatchObject({ ok: true, seats: 1 });
		// A seat the proxy does not hold, and one it no longer may vote for.
		expect(
			await emitAck(hs, 'ballot:cast', {
				voteId: vote.id,
				choice: 'yes',
				householdId: c.unit('701').id
			})
		).toMatchObject({ ok: false, error: { code: 'not_your_seat' } });
		expect(
			await emitAck(hs, 'ballot:cast', {
				voteId: vote.id,
				choice: 'yes',
				householdId: c.unit('101').id
			})
		).toMatchObject({ ok: false, error: { code: 'already_voted' } });
		// Owner 2 comes too late, and can no longer revoke while that ballot is in the open vote.
		expect(await emitAck(os[1]!, 'ballot:cast', { voteId: vote.id, choice: 'no' })).toMatchObject({
			ok: false,
			error: { code: 'already_voted' }
		});
		expectRefused(
			await owners[1]!.del(`/api/v1/proxies/${links[1]!.id}`),
			409,
			'seat_already_voted'
		);
		// Owner 5 revokes before anyone voted for the seat: 204, and the seat is theirs again.
		expect((await owners[4]!.del(`/api/v1/proxies/${links[4]!.id}`)).status).toBe(204);
		// Without householdId the proxy votes every seat it holds that has no ballot: owners 3, 4.
		expect(await emitAck(hs, 'ballot:cast', { voteId: vote.id, choice: 'abstain' })).toMatchObject({
			ok: true,
			seats: 2
		});
		expect(await emitAck(os[4]!, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
			ok: true
		});
		// Bad choices are refused and change nothing.
		for (const choice of ['maybe', ['yes', 'no'], { yes: 1 }])
			expect((await emitAck(os[5]!, 'ballot:cast', { voteId: vote.id, choice } as never)).ok).toBe(
				false
			);

		const tally = expectStatus<Tally>(await c.mod.post(`/api/v1/votes/${vote.id}/close`, {}), 200);
		// By hand: yes = owners 2, 5; no = owner 1; abstain = owners 3, 4.
		expect(tally.counts).toEqual({
			yes: { headcount: 2, area: 200 },
			no: { headcount: 1, area: 100 },
			abstain: { headcount: 2, area: 200 }
		});
		expect(tally.participation).toEqual({
			headcount: 5,
			area: 500,
			eligibleHeadcount: 8,
			eligibleArea: 800
		});
		const a = expectStatus<{ proxySeats: number; paperSeats: number }>(
			await new ApiClient(server).get(`/api/v1/votes/${vote.id}/announcement`),
			200
		);
		expect(a).toMatchObject({ proxySeats: 3, paperSeats: 0 });
	}, 120_000);

	it('[C9-KINDS] ranked (the Tennessee capital example), score and approval: winners and rounds by hand; bad choices refused', async () => {
		const c = await community('选项社区', 'building,unit,area,owner\nC,101,50.00,某');
		const sid = c.session.id;
		const itemId = c.session.items[0]!.id;
		const token = await c.invite('resident');
		// Instant-runoff's textbook example (Wikipedia, "Instant-runoff voting": Tennessee's capital),
		// 100 voters: 42 M>N>C>K, 26 N>C>K>M, 15 C>K>N>M, 17 K>C>N>M.
		const blocs: [number, string[]][] = [
			[42, ['M', 'N', 'C', 'K']],
			[26, ['N', 'C', 'K', 'M']],
			[15, ['C', 'K', 'N', 'M']],
			[17, ['K', 'C', 'N', 'M']]
		];
		const people: Phone[] = [];
		for (let i = 0; i < 100; i++) people.push(await joinAs(server, token, `选民${i + 1}`));
		const create = async (kind: string, extra: Record<string, unknown> = {}) =>
			expectStatus<{ id: string; status: string; options: { id: string; label: string }[] }>(
				await c.mod.post(`/api/v1/items/${itemId}/votes`, {
					question: `州府（${kind}）`,
					kind,
					options: ['Memphis', 'Nashville', 'Chattanooga', 'Knoxville'].map((label) => ({ label })),
					secret: false,
					tally: 'live',
					eligibility: 'participants',
					...extra
				}),
				201
			);
		const ranked = await create('ranked');
		const id = Object.fromEntries(ranked.options.map((o) => [o.label[0]!, o.id]));
		expectStatus(await c.mod.post(`/api/v1/votes/${ranked.id}/open`, {}), 200);
		const sockets3 = await Promise.all(people.slice(0, 3).map((p) => inRoom(p, sid)));
		// Bad rankings: unknown option, a repeat, empty, a score card.
		for (const choice of [['nope'], [id.M!, id.M!], [], { [id.M!]: 1 }])
			expect(
				(await emitAck(sockets3[0]!, 'ballot:cast', { voteId: ranked.id, choice } as never)).ok
			).toBe(false);
		let n = 0;
		for (const [count, order] of blocs) {
			for (let k = 0; k < count; k++, n++) {
				const choice = order.map((l) => id[l]!);
				if (n < 3) {
					expect(
						await emitAck(sockets3[n]!, 'ballot:cast', { voteId: ranked.id, choice })
					).toMatchObject({ ok: true });
				} else {
					expectStatus(
						await c.mod.post(`/api/v1/votes/${ranked.id}/paper-ballots`, {
							participantId: people[n]!.participant.id,
							choice
						}),
						200
					);
				}
			}
		}
		expectRefused(
			await c.mod.post(`/api/v1/votes/${ranked.id}/paper-ballots`, {
				participantId: people[99]!.participant.id,
				choice: ['nope']
			}),
			400
		);
		const r = expectStatus<Tally>(await c.mod.post(`/api/v1/votes/${ranked.id}/close`, {}), 200);
		// Round 1: C has fewest (15) → its ballots go to K. Round 2: M 42, N 26, K 32 → N out, its
		// ballots go to K (C is gone). Round 3: K 58 of 100, a majority.
		expect(r.result).toMatchObject({
			winner: id.K,
			rounds: [
				{ counts: { [id.M!]: 42, [id.N!]: 26, [id.C!]: 15, [id.K!]: 17 }, eliminated: id.C },
				{ counts: { [id.M!]: 42, [id.N!]: 26, [id.K!]: 32 }, eliminated: id.N },
				{ counts: { [id.M!]: 42, [id.K!]: 58 }, eliminated: null }
			]
		});
		expect(r.participation.headcount).toBe(100);

		// Score: 10 voters. M gets 5 from 4 and 0 from 6 (mean 2); K gets 3 from all (mean 3);
		// N gets 5 from 3 and 4 from 3 (mean 4.5 over the 6 who rated it) → N; C unrated.
		const score = await create('score');
		expectStatus(await c.mod.post(`/api/v1/votes/${score.id}/open`, {}), 200);
		for (const choice of [{ [id.M!]: 6 }, { [id.M!]: -1 }, { [id.M!]: 2.5 }, { nope: 3 }, {}])
			expectRefused(
				await c.mod.post(`/api/v1/votes/${score.id}/paper-ballots`, {
					participantId: people[0]!.participant.id,
					choice
				}),
				400
			);
		expect(
			(await emitAck(sockets3[0]!, 'ballot:cast', { voteId: score.id, choice: { [id.M!]: 9 } })).ok
		).toBe(false);
		for (let i = 0; i < 10; i++) {
			const card: Record<string, number> = { [id.M!]: i < 4 ? 5 : 0, [id.K!]: 3 };
			if (i >= 4) card[id.N!] = i < 7 ? 5 : 4;
			expectStatus(
				await c.mod.post(`/api/v1/votes/${score.id}/paper-ballots`, {
					participantId: people[i]!.participant.id,
					choice: card
				}),
				200
			);
		}
		const s = expectStatus<Tally>(await c.mod.post(`/api/v1/votes/${score.id}/close`, {}), 200);
		expect(s.result).toMatchObject({
			winner: id.N,
			scores: { [id.M!]: { mean: 2 }, [id.N!]: { mean: 4.5 }, [id.K!]: { mean: 3 } }
		});

		// Approval: 5 voters; C approved by 4, M by 3, nobody else → C.
		const approval = await create('approval');
		expectStatus(await c.mod.post(`/api/v1/votes/${approval.id}/open`, {}), 200);
		const approvals = [[id.C!, id.M!], [id.C!, id.M!], [id.C!, id.M!], [id.C!], []];
		for (let i = 0; i < 5; i++)
			expectStatus(
				await c.mod.post(`/api/v1/votes/${approval.id}/paper-ballots`, {
					participantId: people[i]!.participant.id,
					choice: approvals[i]
				}),
				200
			);
		expectRefused(
			await c.mod.post(`/api/v1/votes/${approval.id}/paper-ballots`, {
				participantId: people[5]!.participant.id,
				choice: ['nope']
			}),
			400
		);
		const ap = expectStatus<Tally>(await c.mod.post(`/api/v1/votes/${approval.id}/close`, {}), 200);
		expect(ap.result).toMatchObject({ winner: id.C, approvals: { [id.C!]: 4, [id.M!]: 3 } });
		expect(ap.participation.headcount).toBe(5);

		// Creating votes with bad input: a 400 with a code, never a 500.
		const base = {
			question: '坏输入',
			kind: 'ranked',
			options: [{ label: '甲' }, { label: '乙' }],
			secret: false,
			tally: 'live',
			eligibility: 'participants'
		};
		for (const bad of [
			{ ...base, kind: 'borda' },
			{ ...base, options: 'a,b' },
			{ ...base, options: [{ label: 5 }] },
			{ ...base, secret: 'no' },
			{ ...base, eligibility: 'everyone' },
			{ ...base, kind: 'single', options: undefined },
			{
				...base,
				kind: 'yes_no_abstain',
				rule: { kind: 'threshold', ratio: 'two thirds', base: 'cast' }
			},
			{ ...base, rule: { kind: 'civil_code_278', matter: 'huge' } },
			[]
		]) {
			const res = await c.mod.post(`/api/v1/items/${itemId}/votes`, bad);
			expect(res.status, JSON.stringify(bad)).toBe(400);
			expect(codeOf(res)).toBeTruthy();
		}
	}, 180_000);

	it('[C12-EXACT] floor and mix schemes with exempt and cap: amounts by hand, two decimals, summing exactly to total', async () => {
		const c = await community('分摊社区', SIX);
		const itemId = c.session.items[0]!.id;
		const exempt = [c.unit('102').id];
		// Floors 1,1,2,2,3,3 (from the units). Coefficients 1 / 1.5 / 2; 102 exempt; cap 240.
		// Exact shares of 1000.01: 101 125.00…, 201 and 202 187.50…, 301 and 302 250.0025 > 240.
		// 301 and 302 pay 240; 520.01 shared 1 : 1.5 : 1.5 → 130.0025, 195.00375, 195.00375:
		// floors 130.00, 195.00, 195.00 and the last fen to the larger remainder, 201 before 202.
		const floor = expectStatus<{
			id: string;
			title: string;
			total: number;
			method: Record<string, unknown>;
			summary: Record<string, number>;
		}>(
			await c.mod.post(`/api/v1/items/${itemId}/cost-schemes`, {
				title: '按楼层',
				total: 1000.01,
				method: { kind: 'floor', coefficients: { 1: 1, 2: 1.5, 3: 2 }, exempt, cap: 240 }
			}),
			201
		);
		expect(floor).toMatchObject({ title: '按楼层', total: 1000.01, method: { kind: 'floor' } });
		expect(floor.summary).toMatchObject({ households: 6, min: 0, max: 240 });
		const rows = expectStatus<Record<string, unknown>[]>(
			await c.mod.get(`/api/v1/cost-schemes/${floor.id}/households`),
			200
		);
		expect(keys(rows[0])).toEqual(
			expect.arrayContaining(['amount', 'area', 'building', 'floor', 'householdId', 'unit'])
		);
		const amounts = (list: Record<string, unknown>[]) =>
			Object.fromEntries(list.map((r) => [r.unit as string, r.amount as number]));
		expect(amounts(rows)).toEqual({
			'101': 130,
			'102': 0,
			'201': 195.01,
			'202': 195,
			'301': 240,
			'302': 240
		});
		expect(rows.find((r) => r.unit === '302')).toMatchObject({ floor: 3, area: 110.25 });

		// Mix, half by area and half by floor (coefficients 1, 1, 2), 102 exempt, total 2000.
		// Paying area 480.75 m², coefficients 7: share = 1000·area/480.75 + 1000·c/7.
		// 101: 166.4066… + 142.8571… = 309.26379… → 309.26 (r .379)
		// 201: same 309.26 (r .379); 202: 249.6100 + 142.8571 = 392.46718… → 392.46 (r .718)
		// 301: 188.2475… + 285.7142… = 473.96197… → 473.96 (r .197)
		// 302: 229.3291… + 285.7142… = 515.04345… → 515.04 (r .345)
		// Floors sum to 1999.98: the two fen go to 202 (.718) and then 101 (.379, before 201).
		const mix = expectStatus<{ id: string; total: number }>(
			await c.mod.post(`/api/v1/items/${itemId}/cost-schemes`, {
				title: '面积楼层各半',
				total: 2000,
				method: { kind: 'mix', areaShare: 0.5, coefficients: { 1: 1, 2: 1, 3: 2 }, exempt }
			}),
			201
		);
		const mixRows = expectStatus<Record<string, unknown>[]>(
			await c.mod.get(`/api/v1/cost-schemes/${mix.id}/households`),
			200
		);
		expect(amounts(mixRows)).toEqual({
			'101': 309.27,
			'102': 0,
			'201': 309.26,
			'202': 392.47,
			'301': 473.96,
			'302': 515.04
		});
		const fen = mixRows.reduce((s, r) => s + Math.round((r.amount as number) * 100), 0);
		expect(fen).toBe(200_000);
		for (const r of mixRows) expect(Math.round((r.amount as number) * 100) / 100).toBe(r.amount);

		// A seat holder sees their own amount only.
		const phone = await owner(await c.invite('owner'), '甲', c.unit('101').seatCode);
		expect(expectStatus(await phone.get(`/api/v1/cost-schemes/${mix.id}/mine`), 200)).toEqual([
			{ householdId: c.unit('101').id, amount: 309.27 }
		]);
		expectRefused(await phone.get(`/api/v1/cost-schemes/${mix.id}/households`), 403);

		// The list: members now, anyone once closed; no household's amount.
		const anyone = new ApiClient(server);
		expect(
			(await anyone.get(`/api/v1/items/${itemId}/cost-schemes`)).status
		).toBeGreaterThanOrEqual(400);
		const list = expectStatus<
			{
				id: string;
				summary: {
					households: number;
					min: number;
					max: number;
					byFloor: Record<string, { min: number; max: number }>;
				};
			}[]
		>(await phone.get(`/api/v1/items/${itemId}/cost-schemes`), 200);
		const floorListed = list.find((s) => s.id === floor.id)!;
		expect(floorListed.summary).toMatchObject({ households: 6, min: 0, max: 240 });
		expect(floorListed.summary.byFloor).toMatchObject({
			'1': { min: 0, max: 130 },
			'2': { min: 195, max: 195.01 },
			'3': { min: 240, max: 240 }
		});
		for (const scheme of list) {
			expect(JSON.stringify(scheme)).not.toContain('householdId');
			expect(JSON.stringify(scheme)).not.toContain('"amount"');
		}
		expectStatus(await c.mod.post(`/api/v1/sessions/${c.session.id}/close`, {}), 200);
		expect(
			expectStatus<unknown[]>(await anyone.get(`/api/v1/items/${itemId}/cost-schemes`), 200)
		).toHaveLength(2);
	}, 120_000);

	it('[C12-BAD] bad amounts and methods are a 400 with a code, never a 500', async () => {
		const c = await community('坏输入社区', SIX);
		const itemId = c.session.items[0]!.id;
		const ok = { title: '好', total: 100, method: { kind: 'area' } };
		const cases: [Record<string, unknown>, string][] = [
			[{ ...ok, total: 100.001 }, 'invalid_total'],
			[{ ...ok, total: '100' }, 'invalid_total'],
			[{ ...ok, total: 1e12 }, 'invalid_total'],
			[
				{ ...ok, method: { kind: 'mix', areaShare: 1.5, coefficients: { 1: 1, 2: 1, 3: 1 } } },
				'invalid_method'
			],
			[
				{ ...ok, method: { kind: 'mix', areaShare: -0.1, coefficients: { 1: 1, 2: 1, 3: 1 } } },
				'invalid_method'
			],
			[
				{ ...ok, method: { kind: 'mix', areaShare: '0.5', coefficients: { 1: 1, 2: 1, 3: 1 } } },
				'invalid_method'
			],
			[
				{ ...ok, method: { kind: 'floor', coefficients: { 1: 'x', 2: 1, 3: 1 } } },
				'invalid_method'
			],
			[{ ...ok, method: { kind: 'floor', coefficients: { one: 1 } } }, 'invalid_method'],
			[{ ...ok, method: { kind: 'floor', coefficients: [1, 2, 3] } }, 'invalid_method'],
			[{ ...ok, method: { kind: 'area', cap: 10.001 } }, 'invalid_method'],
			[{ ...ok, method: { kind: 'area', cap: 0 } }, 'invalid_method'],
			[{ ...ok, method: { kind: 'area', exempt: 'A-101' } }, ''],
			[{ ...ok, method: 'area' }, ''],
			[{ ...ok, households: 'all' }, ''],
			[{ ...ok, households: ['nope'] }, 'unknown_household'],
			[{ ...ok, title: '' }, ''],
			[{ ...ok, title: 12 }, '']
		];
		for (const [body, code] of cases) {
			const res = await c.mod.post(`/api/v1/items/${itemId}/cost-schemes`, body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			if (code) expect(codeOf(res), JSON.stringify(body)).toBe(code);
			else expect(codeOf(res)).toBeTruthy();
		}
		expectRefused(await c.mod.get('/api/v1/cost-schemes/no-such/households'), 404);
	}, 120_000);

	it('[C10-PAGE] /c/<communityId> is public and links the archive, notices, board and projects; / links it', async () => {
		const c = await community('页面社区', SIX);
		const anyone = new ApiClient(server);
		const page = await anyone.get(`/c/${c.id}`, { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		// Links as a browser follows them: resolved against the page's address.
		const links = (html: string, at: string) =>
			[...html.matchAll(/href="([^"]+)"/g)].map((m) => {
				const url = new URL(m[1]!.replaceAll('&amp;', '&'), server.url(at));
				return url.pathname + url.hash;
			});
		const hrefs = links(page.text, `/c/${c.id}`);
		expect(hrefs).toContain(`/archive/${c.id}`);
		for (const part of ['notices', 'board', 'projects'])
			expect(
				hrefs.some((h) => h.includes(part)),
				part
			).toBe(true);
		const home = await anyone.get('/', { headers: { accept: 'text/html' } });
		expect(links(home.text, '/')).toContain(`/c/${c.id}`);
		// 长辈版: the control is on the page, and the cookie makes the server render large mode.
		expect(page.text).toContain('长辈版');
		expect(page.text).not.toMatch(/<html[^>]*data-large="1"/);
		const large = await anyone.get(`/c/${c.id}`, {
			headers: { accept: 'text/html', cookie: 'yishi_large=1' }
		});
		expect(large.text).toMatch(/<html[^>]*data-large="1"/);
		// …and on a participant's room page.
		const resident = await joinAs(server, await c.invite('resident'), '居民');
		const room = await resident.get(`/s/${c.session.id}`, { headers: { accept: 'text/html' } });
		expect(room.status).toBe(200);
		expect(room.text).toContain('长辈版');
		resident.cookies.set('yishi_large', { name: 'yishi_large', value: '1', attributes: {} });
		const largeRoom = await resident.get(`/s/${c.session.id}`, {
			headers: { accept: 'text/html' }
		});
		expect(largeRoom.text).toMatch(/<html[^>]*data-large="1"/);
		expect(
			(await anyone.get('/c/no-such-community', { headers: { accept: 'text/html' } })).status
		).toBe(404);
	}, 120_000);

	it('[C11] amendments list status and supporters; a vote sets the item outcome; search answers {kind, title, snippet, url}', async () => {
		const c = await community('成果社区', SIX, [
			{ title: '垃圾分类亭', body: '在北门设置垃圾分类亭，每日定时投放。' } as { title: string }
		]);
		const sid = c.session.id;
		const item = c.session.items[0]!;
		const token = await c.invite('resident');
		const wang = await joinAs(server, token, '王阿姨');
		const li = await joinAs(server, token, '李师傅');
		const ws = await inRoom(wang, sid);
		const ls = await inRoom(li, sid);

		const amendments = async () =>
			expectStatus<Record<string, unknown>[]>(
				await wang.get(`/api/v1/items/${item.id}/amendments`),
				200
			);
		// Bad anchors and texts: 400.
		expectRefused(
			await wang.post(`/api/v1/items/${item.id}/amendments`, { anchor: 'north', text: '南门' }),
			400
		);
		expectRefused(await wang.post(`/api/v1/items/${item.id}/amendments`, { text: 5 }), 400);
		expect(await amendments()).toEqual([]);

		// An amendment on a passage of the proposal, anchored as any y-prosemirror editor would.
		const doc = new Y.Doc();
		const provider = yjsProvider(server, wang, item.docName, doc);
		providers.push(provider);
		await whenSynced(provider);
		// The proposal starts empty (the item's body is its description): write it as an editor would.
		const paragraph = new Y.XmlElement('paragraph');
		paragraph.insert(0, [new Y.XmlText('在北门设置垃圾分类亭，每日定时投放。')]);
		doc.getXmlFragment('prosemirror').insert(0, [paragraph]);
		// The server has it once a fresh reader sees it.
		const reader = new Y.Doc();
		const readerProvider = yjsProvider(server, li, item.docName, reader);
		providers.push(readerProvider);
		await whenSynced(readerProvider);
		await eventually(
			() => textContaining(reader, '北门'),
			10_000,
			'the proposal reached the server'
		);
		const amendment = expectStatus<{ id: string; status: string }>(
			await wang.post(`/api/v1/items/${item.id}/amendments`, {
				anchor: anchorOf(doc, '北门'),
				text: '南门',
				reason: '北门靠近幼儿园'
			}),
			201
		);
		expect(amendment).toEqual({ id: amendment.id, status: 'open' });
		const support = () => li.post(`/api/v1/amendments/${amendment.id}/support`);
		expect(expectStatus(await support(), 200)).toEqual({ supporters: 1 });
		// Once per person: a second support changes nothing.
		const again = await support();
		expect(again.status).toBeLessThan(500);
		if (again.ok) expect(again.body).toEqual({ supporters: 1 });
		expect(await amendments()).toMatchObject([
			{
				id: amendment.id,
				status: 'open',
				quote: '北门',
				text: '南门',
				reason: '北门靠近幼儿园',
				author: { name: '王阿姨', role: 'resident' },
				supporters: 1
			}
		]);
		expectRefused(await li.post('/api/v1/amendments/no-such/support'), 404);
		expectRefused(await li.post(`/api/v1/amendments/${amendment.id}/accept`), 403);

		const vote = expectStatus<{ id: string }>(
			await c.mod.post(`/api/v1/items/${item.id}/votes`, {
				question: '是否设置垃圾分类亭？',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' },
				amendmentId: amendment.id
			}),
			201
		);
		expectStatus(await c.mod.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		expect(await emitAck(ws, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
			ok: true
		});
		expect(await emitAck(ls, 'ballot:cast', { voteId: vote.id, choice: 'no' })).toMatchObject({
			ok: true
		});
		expect(await emitAck(ls, 'ballot:cast', { voteId: vote.id, choice: 'nope' })).toMatchObject({
			ok: false
		});
		const statusOf = async () =>
			expectStatus<{ items: { id: string; status: string }[] }>(
				await c.mod.get(`/api/v1/sessions/${sid}`),
				200
			).items.find((i) => i.id === item.id)!.status;
		const tally = expectStatus<Tally>(await c.mod.post(`/api/v1/votes/${vote.id}/close`, {}), 200);
		// One yes, one no: a tie is not a majority of those casting.
		expect(tally.result!.passed).toBe(false);
		expect(await statusOf()).toBe('unresolved');
		// A failed vote on an amendment rejects it.
		expect((await amendments())[0]).toMatchObject({ id: amendment.id, status: 'rejected' });

		expectRefused(await c.mod.post(`/api/v1/items/${item.id}/outcome`, { text: 5 }), 400);
		expectRefused(
			await c.mod.post(`/api/v1/items/${item.id}/progress`, { text: '开工', status: 'started' }),
			400
		);
		expectStatus(
			await c.mod.post(`/api/v1/items/${item.id}/outcome`, {
				text: '暂缓设置分类亭',
				owner: '物业'
			}),
			200
		);
		expectStatus(
			await c.mod.post(`/api/v1/items/${item.id}/progress`, {
				text: '征求意见中',
				status: 'in_progress'
			}),
			201
		);
		expectStatus(
			await wang.post(`/api/v1/sessions/${sid}/statements`, {
				text: '北门的垃圾分类亭离幼儿园太近，气味是个问题。'
			}),
			201
		);
		const anyone = new ApiClient(server);
		expect((await anyone.get(`/api/v1/items/${item.id}/amendments`)).status).toBeGreaterThanOrEqual(
			400
		);
		expect((await anyone.get(`/api/v1/items/${item.id}/outcome`)).status).toBeGreaterThanOrEqual(
			400
		);
		expectStatus(await c.mod.post(`/api/v1/sessions/${sid}/close`, {}), 200);
		expect(
			expectStatus<{ id: string; status: string }[]>(
				await anyone.get(`/api/v1/items/${item.id}/amendments`),
				200
			).map((a) => a.status)
		).toEqual(['rejected']);
		const outcome = expectStatus<Record<string, unknown>>(
			await anyone.get(`/api/v1/items/${item.id}/outcome`),
			200
		);
		expect(outcome).toMatchObject({
			text: '暂缓设置分类亭',
			owner: '物业',
			status: 'in_progress',
			updates: [{ text: '征求意见中', status: 'in_progress', at: expect.any(String) }]
		});

		const search = async (q: string, extra = '') =>
			expectStatus<{ results: Record<string, unknown>[] }>(
				await anyone.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`),
				200
			).results;
		const found = await search('幼儿园 气味', `&communityId=${c.id}`);
		expect(found.length).toBeGreaterThan(0);
		const hit = found[0]!;
		expect(hit).toMatchObject({ kind: 'statement', sessionId: sid });
		for (const k of ['kind', 'title', 'snippet', 'url']) expect(typeof hit[k], k).toBe('string');
		expect(hit.snippet).toContain('幼儿园');
		expect(hit.snippet).toContain('气味');
		// The url is a page on this site that answers.
		const url = new URL(hit.url as string, server.origin);
		expect(url.origin).toBe(server.origin);
		expect(
			(await anyone.get(url.pathname + url.search, { headers: { accept: 'text/html' } })).status
		).toBe(200);
		const items = await search('分类亭', `&communityId=${c.id}&kind=item`);
		expect(items.map((r) => r.kind)).toEqual(['item']);
		expect(items[0]).toMatchObject({ title: '垃圾分类亭', sessionId: sid, itemId: item.id });
		expect(items[0]!.snippet).toContain('分类亭');
	}, 120_000);
	it('[C9-12-INPUT] malformed bodies and ids on every §9–§12 call: a 4xx with a code, never a 500', async () => {
		const c = await community('畸形输入社区', SIX);
		const sid = c.session.id;
		const itemId = c.session.items[0]!.id;
		const phone = await owner(await c.invite('owner'), '甲', c.unit('101').seatCode);
		const vote = expectStatus<{ id: string }>(
			await c.mod.post(`/api/v1/items/${itemId}/votes`, {
				question: '是否同意？',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'households',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		const proxy = expectStatus<{ id: string }>(
			await phone.post(`/api/v1/sessions/${sid}/proxies`, {}),
			201
		);
		const scheme = expectStatus<{ id: string }>(
			await c.mod.post(`/api/v1/items/${itemId}/cost-schemes`, {
				title: '按面积',
				total: 100,
				method: { kind: 'area' }
			}),
			201
		);
		// Each call with bodies that are not JSON objects, and with its own fields of the wrong type.
		const calls: [string, string, ApiClient, unknown[]][] = [
			[
				'PATCH',
				`/api/v1/communities/${c.id}`,
				c.mod,
				[{ noticeDays: 1.5 }, { noticeDays: null }, { proxySeatCap: '5' }, { proxySeatCap: 1e6 }]
			],
			[
				'POST',
				`/api/v1/votes/${vote.id}/notice`,
				c.mod,
				[{ text: ['a'] }, { place: 7 }, { link: {} }]
			],
			['POST', `/api/v1/sessions/${sid}/notice`, c.mod, [{ text: 1 }, { link: [] }]],
			[
				'POST',
				`/api/v1/votes/${vote.id}/paper-ballots`,
				c.mod,
				[
					{ householdId: 5, choice: 'yes' },
					{ householdId: c.unit('102').id, choice: 'maybe' },
					{ householdId: c.unit('102').id, choice: { yes: '1' } },
					{ householdId: 'nope', choice: 'yes' },
					{ choice: 'yes' }
				]
			],
			['POST', `/api/v1/sessions/${sid}/proxies`, phone, [{ voteId: {} }, { voteId: 7 }]],
			['POST', `/api/v1/sessions/${sid}/seats`, phone, [{ seatCode: [] }, { seatCode: 5 }, {}]],
			[
				'POST',
				`/api/v1/items/${itemId}/votes`,
				c.mod,
				[
					{ question: 5, kind: 'single' },
					{
						question: 'q',
						kind: 'score',
						options: [{ label: 'a' }],
						secret: false,
						tally: 'live',
						eligibility: 'participants',
						amendmentId: 5
					}
				]
			],
			[
				'POST',
				`/api/v1/items/${itemId}/amendments`,
				phone,
				[
					{ anchor: { start: [], end: 'x' }, text: 'y' },
					{ anchor: null, text: 'y' }
				]
			],
			[
				'POST',
				`/api/v1/items/${itemId}/outcome`,
				c.mod,
				[{ text: ['x'] }, { text: 'x', due: 5 }, { text: 'x', owner: {} }]
			],
			[
				'POST',
				`/api/v1/items/${itemId}/progress`,
				c.mod,
				[
					{ text: 'x', status: 'started' },
					{ text: 5, status: 'done' }
				]
			],
			[
				'POST',
				`/api/v1/sessions/${sid}/settings`,
				c.mod,
				[{ streamUrl: 5 }, { blocQuotas: { resident: 'a' } }, { blocQuotas: [] }]
			],
			[
				'POST',
				`/api/v1/items/${itemId}/cost-schemes`,
				c.mod,
				[
					{ title: 't', total: '1e3', method: { kind: 'area' } },
					{ title: 't', total: 10, method: { kind: 'floor', coefficients: { 1: null } } },
					{ title: 't', total: 10, method: { kind: 'area' }, households: [1] },
					{ title: 't', total: 10, method: { kind: 'area', exempt: [{}] } }
				]
			],
			[
				'POST',
				`/api/v1/items/${itemId}/cost-schemes/vote`,
				c.mod,
				[{ schemeIds: 'all' }, { schemeIds: [5] }]
			],
			['POST', `/api/v1/votes/${vote.id}/open`, c.mod, [{ reason: { x: [1] } }, { reason: 5 }]]
		];
		for (const [method, path, client, wrong] of calls) {
			const bodies = ['not json', '[]', '"text"', '17', ...wrong.map((w) => JSON.stringify(w))];
			for (const body of bodies) {
				const res = await client.request(method, path, {
					body,
					headers: { 'content-type': 'application/json' }
				});
				const what = `${method} ${path} ${body}: ${res.text.slice(0, 200)}`;
				expect.soft(res.status, what).toBeGreaterThanOrEqual(400);
				expect.soft(res.status, what).toBeLessThan(500);
				expect.soft(codeOf(res), what).toMatch(/^[a-z_]+$/);
			}
		}
		const longId = 'x'.repeat(300);
		for (const path of [
			'/api/v1/votes/%00/turnout',
			'/api/v1/votes/%00/announcement',
			'/api/v1/communities/%00/notices',
			'/api/v1/cost-schemes/%00/households',
			'/api/v1/cost-schemes/%00/mine',
			'/api/v1/items/%00/cost-schemes',
			'/api/v1/items/%00/amendments',
			'/api/v1/items/%00/outcome',
			'/api/v1/notices/%00',
			'/c/%00',
			`/api/v1/votes/${longId}/turnout`,
			`/api/v1/votes/${longId}/announcement`,
			`/api/v1/communities/${longId}/notices`,
			`/api/v1/cost-schemes/${longId}/households`,
			`/api/v1/cost-schemes/${longId}/mine`,
			`/api/v1/items/${longId}/cost-schemes`,
			`/api/v1/items/${longId}/amendments`,
			`/api/v1/items/${longId}/outcome`,
			`/api/v1/search?q=${'楼'.repeat(2000)}`,
			'/api/v1/search?q=%E6%A5%BC&communityId=%00',
			'/api/v1/search?q=%00'
		]) {
			const res = await c.mod.get(path);
			expect.soft(res.status, `${path}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
		}
		for (const path of [`/api/v1/votes/%00/open`, `/api/v1/votes/%00/notice`]) {
			const res = await c.mod.post(path, {});
			expect.soft(res.status, `${path}: ${res.text.slice(0, 200)}`).toBeLessThan(500);
		}
		// A NUL in the address is refused before any route reads it (the store cannot hold one).
		expectRefused(await phone.del('/api/v1/proxies/%00'), 400, 'invalid_text');
		expectRefused(await c.mod.get(`/api/v1/votes/${vote.id}/turnout?x=%00`), 400, 'invalid_text');
		for (const path of [`/api/v1/proxies/${longId}`, `/api/v1/proxies/${proxy.id}x`]) {
			const res = await phone.del(path);
			expect(res.status, path).toBe(404);
		}
		// The socket answers malformed ballots with invalid_payload (§3).
		const socket = await inRoom(phone, sid);
		for (const payload of [
			{ voteId: vote.id, choice: 'yes', householdId: 5 },
			{ voteId: vote.id, choice: null },
			{ voteId: vote.id }
		])
			expect(await emitAck(socket, 'ballot:cast', payload as never)).toMatchObject({
				ok: false,
				error: { code: 'invalid_payload' }
			});
		expectStatus(await c.mod.get(`/api/v1/cost-schemes/${scheme.id}/households`), 200);
	}, 120_000);
	it('[C9-EDGE] the period binds civil_code_278 votes only; who may revoke; ties have winner null; decimal totals that floats get wrong', async () => {
		const c = await community(
			'边界社区',
			['building,unit,area,owner', 'E,101,80.29,甲', 'E,102,70.15,乙', 'E,201,64.35,丙'].join('\n')
		);
		const sid = c.session.id;
		const itemId = c.session.items[0]!.id;
		expectStatus(
			await c.mod.request('PATCH', `/api/v1/communities/${c.id}`, { json: { noticeDays: 15 } }),
			200
		);
		const create = async (body: Record<string, unknown>) =>
			expectStatus<{ id: string; options: { id: string }[] }>(
				await c.mod.post(`/api/v1/items/${itemId}/votes`, {
					question: '边界',
					secret: false,
					tally: 'live',
					eligibility: 'participants',
					...body
				}),
				201
			);
		// A vote under another rule needs no notice.
		const plain = await create({
			kind: 'yes_no_abstain',
			rule: { kind: 'majority_cast' },
			eligibility: 'households'
		});
		expectStatus(await c.mod.post(`/api/v1/votes/${plain.id}/open`, {}), 200);
		expectStatus(await c.mod.post(`/api/v1/votes/${plain.id}/close`, {}), 200);

		const ownerToken = await c.invite('owner');
		const jia = await owner(ownerToken, '甲', c.unit('101').seatCode);
		const yi = await owner(ownerToken, '乙', c.unit('102').seatCode);
		const link = expectStatus<{ id: string; url: string }>(
			await jia.post(`/api/v1/sessions/${sid}/proxies`, {}),
			201
		);
		// Someone else cannot revoke it; the moderator can.
		expectRefused(await yi.del(`/api/v1/proxies/${link.id}`), 403);
		expect((await c.mod.del(`/api/v1/proxies/${link.id}`)).status).toBe(204);
		const nobody = await joinAs(server, await c.invite('resident'), '没有房');
		expectRefused(await nobody.post(`/api/v1/sessions/${sid}/proxies`, {}), 403, 'no_seat');
		expectRefused(await nobody.get(`/api/v1/cost-schemes/x/mine`), 404);

		// Ties: nobody wins, and the result says so with winner null.
		const people = [jia, yi];
		const socks = await Promise.all(people.map((p) => inRoom(p, sid)));
		for (const [kind, choices] of [
			['ranked', [['o1'], ['o2']]],
			['approval', [['o1'], ['o2']]],
			[
				'score',
				[
					{ o1: 5, o2: 4 },
					{ o1: 4, o2: 5 }
				]
			],
			['single', ['o1', 'o2']]
		] as [string, unknown[]][]) {
			const vote = await create({
				kind,
				options: [{ label: '甲案' }, { label: '乙案' }],
				...(kind === 'single' ? { rule: { kind: 'majority_cast' } } : {})
			});
			expect(vote.options.map((o) => o.id)).toEqual(['o1', 'o2']);
			expectStatus(await c.mod.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
			for (let i = 0; i < 2; i++)
				expect(
					await emitAck(socks[i]!, 'ballot:cast', { voteId: vote.id, choice: choices[i] } as never)
				).toMatchObject({ ok: true });
			const closed = expectStatus<Tally>(
				await c.mod.post(`/api/v1/votes/${vote.id}/close`, {}),
				200
			);
			expect(closed.result, kind).toHaveProperty('winner', null);
			expect(closed.result!.passed, kind).toBe(false);
			if (kind === 'ranked')
				expect(closed.result!.rounds).toEqual([{ counts: { o1: 1, o2: 1 }, eliminated: null }]);
		}

		// Totals whose cents a binary float does not hold (4.35 × 100 = 434.99999999999994).
		for (const total of [4.35, 1.15, 0.29, 1_234_567.89, 64.35]) {
			const scheme = expectStatus<{ id: string; total: number }>(
				await c.mod.post(`/api/v1/items/${itemId}/cost-schemes`, {
					title: `合计${total}`,
					total,
					method: { kind: 'area', cap: total < 10 ? 2.01 : undefined }
				}),
				201
			);
			expect(scheme.total).toBe(total);
			const rows = expectStatus<{ amount: number }[]>(
				await c.mod.get(`/api/v1/cost-schemes/${scheme.id}/households`),
				200
			);
			expect(rows.reduce((sum, r) => sum + Math.round(r.amount * 100), 0)).toBe(
				Math.round(total * 100)
			);
			for (const r of rows) expect(Number(r.amount.toFixed(2))).toBe(r.amount);
		}
		// The register's areas with such decimals are exact too (80.29 + 70.15 + 64.35 = 214.79).
		const plainTally = expectStatus<Tally>(await c.mod.get(`/api/v1/votes/${plain.id}`), 200);
		expect(plainTally.status).toBe('closed');
		const levy = expectStatus<{ id: string }>(
			await c.mod.post(`/api/v1/items/${itemId}/votes`, {
				question: '面积',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'households',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await c.mod.post(`/api/v1/votes/${levy.id}/open`, {}), 200);
		expect(
			expectStatus<Tally>(await c.mod.get(`/api/v1/votes/${levy.id}`), 200).participation
				.eligibleArea
		).toBe(214.79);
	}, 120_000);
	it('[C9-CAP-RACE] links taken up at once by one person: the cap holds, exactly five seats', async () => {
		const csv = [
			'building,unit,area,owner',
			...[1, 2, 3, 4, 5, 6, 7].map((i) => `F,${i}01,90.00,业主${i}`)
		].join('\n');
		const c = await community('并发社区', csv);
		const sid = c.session.id;
		const ownerToken = await c.invite('owner');
		const links: string[] = [];
		for (let i = 1; i <= 7; i++) {
			const o = await owner(ownerToken, `业主${i}`, c.unit(`${i}01`).seatCode);
			links.push(
				expectStatus<{ url: string }>(await o.post(`/api/v1/sessions/${sid}/proxies`, {}), 201).url
			);
		}
		// The holder is a participant already (a resident), so every take-up counts against one cap.
		const holder = await joinAs(server, await c.invite('resident'), '代理人');
		const answers = await Promise.all(
			links.map((url) => holder.clone().post(`/api/v1/join/${tokenOf(url)}`, { name: '代理人' }))
		);
		expect(answers.filter((a) => a.status === 200)).toHaveLength(5);
		for (const a of answers.filter((a) => a.status !== 200)) expectRefused(a, 409, 'proxy_cap');
	}, 120_000);
});
