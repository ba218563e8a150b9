/**
 * The owners' procedure (CONTRACT §9) end to end on the real build, on both stores: the lift
 * levy of Heping Garden Block D (tests/fixtures: 192 households, 185 owners) from the notice
 * period to the announced result, with proxies by phone and on paper, one revoked, an owner
 * taking their seat back, the cap, ballots by phone, proxy and paper, and the turnout
 * tracker — the tally checked against a hand count. Time moves with YISHI_TEST_CLOCK.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TallyView } from '../../src/lib/protocol';
import type { FeedView } from '../../src/lib/protocol/cloud';
import type { AnnouncementView, TurnoutView } from '../../src/lib/protocol/owners';
import {
	ApiClient,
	adminClient,
	availableStores,
	createSessionWithInvites,
	emitAck,
	expectStatus,
	joinAs,
	socketClient,
	startServer,
	tokenOf,
	userClient,
	type ClientSocket,
	type ServerHandle
} from './harness';

const register = readFileSync(
	new URL('../fixtures/heping-garden-block-d.csv', import.meta.url),
	'utf8'
);
const COMMUNITY = 'default-community';
const DAY = 86_400;

interface Household {
	id: string;
	building: string;
	unit: string;
	area: number;
	owner: string;
	seatCode: string;
}

type Phone = ApiClient & { participant: { id: string; name: string; role: string } };

const errorCode = (res: { body: unknown }) =>
	(res.body as { error?: { code: string } }).error?.code;

async function joined(server: ServerHandle, client: ApiClient, sessionId: string) {
	const socket = await socketClient(server, client);
	const ack = await emitAck(socket, 'session:join', { sessionId });
	if (!ack.ok) throw new Error(ack.error.message);
	return socket;
}

function png(): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(64);
	bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	return bytes;
}

/** Exact hundredths of m² (the register has two decimals). */
const cents = (m2: number) => Math.round(m2 * 100);

describe.each(availableStores())("owners' procedure: the lift levy (%s)", (store) => {
	let server: ServerHandle;
	let admin: ApiClient;
	let owners: Map<string, Household[]>;
	const sockets: ClientSocket[] = [];

	beforeAll(async () => {
		server = await startServer({ store, env: { YISHI_TEST_CLOCK: '1' } });
		admin = await adminClient(server);
		const imported = await admin.request<{ imported: number }>(
			'POST',
			`/api/v1/communities/${COMMUNITY}/households`,
			{ body: register, headers: { 'content-type': 'text/csv' } }
		);
		expect(expectStatus(imported, 200).imported).toBe(192);
		const rows = expectStatus<Household[]>(
			await admin.get(`/api/v1/communities/${COMMUNITY}/households`),
			200
		);
		owners = new Map();
		for (const h of rows) owners.set(h.owner, [...(owners.get(h.owner) ?? []), h]);
		expect(owners.size).toBe(185);
	}, 120_000);
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		await server?.dispose();
	});

	async function advance(seconds: number) {
		expectStatus(await admin.post('/api/v1/test/clock', { advanceSeconds: seconds }), 200);
	}
	async function now() {
		return Date.parse(
			expectStatus<{ now: string }>(await admin.get('/api/v1/test/clock'), 200).now
		);
	}

	it('runs from the notice to the announced result; the tally matches a hand count', async () => {
		const clerk = await userClient(server, admin, 'clerk');
		// The Regulations ask for 15 days' notice; the community sets it (default 0, cap 5).
		const settings = expectStatus<{ noticeDays: number; proxySeatCap: number }>(
			await admin.request('PATCH', `/api/v1/communities/${COMMUNITY}`, {
				json: { noticeDays: 15 }
			}),
			200
		);
		expect(settings).toMatchObject({ noticeDays: 15, proxySeatCap: 5 });

		const fx = await createSessionWithInvites(server, {
			roles: ['owner', 'expert', 'resident'],
			title: '和平花园D栋业主大会',
			items: [{ title: '三部电梯更新：第二次筹集维修资金（每平方米15元）' }]
		});
		const sessionId = fx.session.id;
		const list = [...owners.values()];
		const phone = async (units: Household[], name: string): Promise<Phone> => {
			const client = await joinAs(server, fx.invites.owner!.token, name);
			expectStatus(
				await client.post(`/api/v1/sessions/${sessionId}/seats`, { seatCode: units[0]!.seatCode }),
				200,
				`${name} takes a seat`
			);
			return client;
		};

		// An expert holding a slip cannot take an owner's seat.
		const expert = await joinAs(server, fx.invites.expert!.token, '专家');
		const refused = await expert.post(`/api/v1/sessions/${sessionId}/seats`, {
			seatCode: list[100]![0]!.seatCode
		});
		expect(refused.status).toBe(403);
		expect(errorCode(refused)).toBe('cannot_hold_seat');

		const start = await now();
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意按每平方米15元第二次筹集维修资金，更换三部电梯？',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'households',
				rule: { kind: 'civil_code_278', matter: 'major' },
				closesAt: new Date(start + 30 * DAY * 1000).toISOString()
			}),
			201
		);
		const open = () => fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {});
		// No notice yet: refused.
		expect(errorCode(await open())).toBe('notice_period');
		const notice = expectStatus<{ id: string; publishedAt: string; openFrom: string }>(
			await fx.moderator.post(`/api/v1/votes/${vote.id}/notice`, {
				place: 'D栋一楼大厅',
				link: `${server.origin}/s/${sessionId}`
			}),
			201
		);
		expect(Date.parse(notice.openFrom) - Date.parse(notice.publishedAt)).toBe(15 * DAY * 1000);
		const anyone = new ApiClient(server);
		const notices = expectStatus<Record<string, unknown>[]>(
			await anyone.get(`/api/v1/communities/${COMMUNITY}/notices`),
			200
		);
		expect(notices.find((n) => n.id === notice.id)).toMatchObject({
			sessionId,
			voteId: vote.id,
			title: '是否同意按每平方米15元第二次筹集维修资金，更换三部电梯？',
			publishedAt: notice.publishedAt,
			openFrom: notice.openFrom
		});
		// Still inside the period: refused.
		const early = await open();
		expect(early.status).toBe(409);
		expect(errorCode(early)).toBe('notice_period');

		// Owners on their phones. P1 appoints Q (another owner) for this vote by phone.
		const [p1, q, p3, p4, p5, p6] = await Promise.all(
			[0, 1, 2, 3, 4, 5].map((i) => phone(list[i]!, `业主${i + 1}`))
		);
		const byPhone = expectStatus<{ id: string; url: string; seats: string[] }>(
			await p1!.post(`/api/v1/sessions/${sessionId}/proxies`, { voteId: vote.id }),
			201
		);
		expect(byPhone.url).toBe(`${server.origin}/join/${tokenOf(byPhone.url)}`);
		expect(byPhone.seats).toEqual([list[0]![0]!.id]);
		const taken = expectStatus<{
			participant: { id: string };
			proxy: { id: string; seats: string[] };
		}>(await q!.post(`/api/v1/join/${tokenOf(byPhone.url)}`, { name: '业主2' }), 200);
		expect(taken.participant.id).toBe(q!.participant.id);
		expect(taken.proxy).toEqual({ id: byPhone.id, seats: byPhone.seats });

		// P3 appoints and revokes before anyone voted; the link then stops working.
		const revoked = expectStatus<{ id: string; url: string }>(
			await p3!.post(`/api/v1/sessions/${sessionId}/proxies`, {}),
			201
		);
		expect((await p3!.del(`/api/v1/proxies/${revoked.id}`)).status).toBe(204);
		expect(
			(await new ApiClient(server).post(`/api/v1/join/${tokenOf(revoked.url)}`, { name: '某人' }))
				.status
		).toBe(410);

		// Staff record a signed paper form (with its photo) for owner 7; 王阿姨 takes it up.
		const photo = await fetch(server.url(`/api/v1/communities/${COMMUNITY}/photos`), {
			method: 'POST',
			headers: { origin: server.origin, cookie: clerk.cookieHeader(), 'content-type': 'image/png' },
			body: png()
		});
		const photoId = ((await photo.json()) as { id: string }).id;
		const paperProxy = expectStatus<{ id: string; url: string; seats: string[] }>(
			await clerk.post(`/api/v1/sessions/${sessionId}/proxies`, {
				voteId: vote.id,
				householdIds: [list[6]![0]!.id],
				proxyName: '王阿姨',
				photoId
			}),
			201
		);
		const wang = new ApiClient(server);
		const wangJoin = expectStatus<{ participant: { id: string }; proxy: { seats: string[] } }>(
			await wang.post(`/api/v1/join/${tokenOf(paperProxy.url)}`, { name: '王阿姨' }),
			200
		);
		expect(wangJoin.proxy.seats).toEqual([list[6]![0]!.id]);
		expectStatus(await clerk.post(`/api/v1/proxies/${paperProxy.id}/confirm`, {}), 200);
		// The signed form is evidence for staff: its id is in the record, its picture is not public.
		expect((await new ApiClient(server).get(`/photos/${photoId}`)).status).toBe(404);
		expect((await wang.get(`/photos/${photoId}`)).status).toBe(404);
		const forStaff = await clerk.get(`/photos/${photoId}`);
		expect(forStaff.status).toBe(200);
		expect(forStaff.headers.get('cache-control')).toBe('private, no-store');

		// P5 appoints S, then votes first; P4 appoints T, who votes; P6's proxy would pass Q's cap.
		const forS = expectStatus<{ url: string }>(
			await p5!.post(`/api/v1/sessions/${sessionId}/proxies`, { voteId: vote.id }),
			201
		);
		const s = new ApiClient(server);
		expectStatus(await s.post(`/api/v1/join/${tokenOf(forS.url)}`, { name: '业主5的儿子' }), 200);
		const forT = expectStatus<{ id: string; url: string }>(
			await p4!.post(`/api/v1/sessions/${sessionId}/proxies`, { voteId: vote.id }),
			201
		);
		const t = new ApiClient(server);
		expectStatus(await t.post(`/api/v1/join/${tokenOf(forT.url)}`, { name: '业主4的女儿' }), 200);
		expectStatus(
			await admin.request('PATCH', `/api/v1/communities/${COMMUNITY}`, {
				json: { proxySeatCap: 1 }
			}),
			200
		);
		const forCap = expectStatus<{ url: string }>(
			await p6!.post(`/api/v1/sessions/${sessionId}/proxies`, { voteId: vote.id }),
			201
		);
		const capped = await q!.post(`/api/v1/join/${tokenOf(forCap.url)}`, { name: '业主2' });
		expect(capped.status).toBe(409);
		expect(errorCode(capped)).toBe('proxy_cap');
		expectStatus(
			await admin.request('PATCH', `/api/v1/communities/${COMMUNITY}`, {
				json: { proxySeatCap: 5 }
			}),
			200
		);

		// 15 days on: the vote opens.
		await advance(15 * DAY);
		expectStatus(await open(), 200);

		const resident = await joinAs(server, fx.invites.resident!.token, '居民');
		expect((await resident.get(`/api/v1/votes/${vote.id}/turnout`)).status).toBe(403);
		const eligibleArea = list.reduce(
			(sum, units) => sum + units.reduce((a, u) => a + cents(u.area), 0),
			0
		);
		const before = expectStatus<TurnoutView>(
			await clerk.get(`/api/v1/votes/${vote.id}/turnout`),
			200
		);
		expect(before.participation).toMatchObject({ headcount: 0, eligibleHeadcount: 185 });
		expect(before.needed.headcount).toBe(Math.ceil((185 * 2) / 3));
		expect(cents(before.needed.area)).toBe(Math.ceil((eligibleArea * 2) / 3));
		expect(before.notVoted).toHaveLength(192);

		// A reminder reaches whoever holds a seat without a ballot: the six owners on their phones
		// and the proxies acting for P4, P5 and owner 7 (王阿姨 holds no seat of her own; Q is P2).
		const remind = async () =>
			expectStatus<{ reminded: number }>(
				await clerk.post(`/api/v1/votes/${vote.id}/reminders`, {}),
				201
			).reminded;
		const reminders = async (client: ApiClient) =>
			expectStatus<FeedView>(await client.get('/api/v1/notifications'), 200).items.filter(
				(n) => n.kind === 'vote_reminder'
			).length;
		expect(await remind()).toBe(9);
		for (const proxy of [wang, s, t]) expect(await reminders(proxy)).toBe(1);

		const cast = async (client: ApiClient, choice: string, householdId?: string) => {
			const socket = await joined(server, client, sessionId);
			sockets.push(socket);
			return emitAck(socket, 'ballot:cast', {
				voteId: vote.id,
				choice,
				...(householdId ? { householdId } : {})
			});
		};
		// Q votes for both seats in one ballot; P1's own phone then finds the seat spent.
		expect(await cast(q!, 'yes')).toMatchObject({ ok: true, seats: 2 });
		expect(await cast(p1!, 'no')).toMatchObject({ ok: false, error: { code: 'already_voted' } });
		// P5 votes before S: the seat is P5's for this vote.
		expect(await cast(p5!, 'yes')).toMatchObject({ ok: true, seats: 1 });
		expect(await cast(s, 'no')).toMatchObject({ ok: false, error: { code: 'already_voted' } });
		// Now P1's, P2's and P5's seats are in: P3, P4 and T, P6, and 王阿姨 are reminded again.
		expect(await remind()).toBe(5);
		expect(await reminders(s)).toBe(1);
		expect(await reminders(t)).toBe(2);
		// T votes for P4; P4 can no longer revoke.
		expect(await cast(t, 'no', list[3]![0]!.id)).toMatchObject({ ok: true, seats: 1 });
		const late = await p4!.del(`/api/v1/proxies/${forT.id}`);
		expect(late.status).toBe(409);
		expect(errorCode(late)).toBe('seat_already_voted');
		expect(await cast(p3!, 'yes')).toMatchObject({ ok: true });
		expect(await cast(wang, 'yes')).toMatchObject({ ok: true, seats: 1 });
		expect(await cast(p6!, 'abstain')).toMatchObject({ ok: true });

		// Paper ballots (书面表决) for owners 11–140, entered by the clerk.
		const paper: [number, string][] = [];
		for (let i = 10; i < 140; i++) paper.push([i, i < 120 ? 'yes' : i < 135 ? 'no' : 'abstain']);
		for (const [i, choice] of paper) {
			expectStatus(
				await clerk.post(`/api/v1/votes/${vote.id}/paper-ballots`, {
					householdId: list[i]![0]!.id,
					choice,
					...(i === 10 ? { photoId } : {})
				}),
				200
			);
		}

		// The hand count: owner index → choice.
		const hand = new Map<number, string>([
			[0, 'yes'],
			[1, 'yes'],
			[4, 'yes'],
			[3, 'no'],
			[2, 'yes'],
			[6, 'yes'],
			[5, 'abstain'],
			...paper
		]);
		const sum = (choice?: string) => {
			let headcount = 0;
			let area = 0;
			for (const [i, c] of hand) {
				if (choice && c !== choice) continue;
				headcount += 1;
				area += list[i]!.reduce((a, u) => a + cents(u.area), 0);
			}
			return { headcount, area };
		};
		const after = expectStatus<TurnoutView>(
			await clerk.get(`/api/v1/votes/${vote.id}/turnout`),
			200
		);
		expect(after.participation.headcount).toBe(hand.size);
		expect(after.needed).toEqual({ headcount: 0, area: 0 });
		const votedUnits = [...hand.keys()].reduce((n, i) => n + list[i]!.length, 0);
		expect(after.notVoted).toHaveLength(192 - votedUnits);
		expect(after.notVoted[0]).toEqual({
			householdId: expect.any(String),
			building: expect.any(String),
			unit: expect.any(String)
		});

		const closed = expectStatus<TallyView>(
			await fx.moderator.post(`/api/v1/votes/${vote.id}/close`, {}),
			200
		);
		for (const c of ['yes', 'no', 'abstain']) {
			const want = sum(c);
			expect(closed.counts![c]!.headcount).toBe(want.headcount);
			expect(cents(closed.counts![c]!.area)).toBe(want.area);
		}
		const all = sum();
		const yes = sum('yes');
		// Art. 278 major matter: participation ≥ 2/3 of owners and area; yes ≥ 3/4 of both taking part.
		const passed =
			all.headcount * 3 >= 185 * 2 &&
			all.area * 3 >= eligibleArea * 2 &&
			yes.headcount * 4 >= all.headcount * 3 &&
			yes.area * 4 >= all.area * 3;
		expect(closed.result!.passed).toBe(passed);
		expect(passed).toBe(true);

		const announcement = expectStatus<AnnouncementView>(
			await anyone.get(`/api/v1/votes/${vote.id}/announcement`),
			200
		);
		expect(announcement).toMatchObject({
			voteId: vote.id,
			result: { passed: true },
			participation: closed.participation,
			proxySeats: 3,
			paperSeats: paper.length,
			notice: { id: notice.id }
		});
		expect(announcement.checks.map((c) => c.name)).toEqual([
			'participation_area',
			'participation_owners',
			'yes_area',
			'yes_owners'
		]);
		expect(announcement.earlyReason).toBeUndefined();

		const transcript = expectStatus<{ entries: { type: string; data: Record<string, unknown> }[] }>(
			await fx.moderator.get(`/api/v1/sessions/${sessionId}/transcript`),
			200
		);
		const types = transcript.entries.map((e) => e.type);
		for (const type of [
			'notice_published',
			'proxy_appointed',
			'proxy_accepted',
			'proxy_confirmed',
			'proxy_revoked',
			'ballot_by_proxy',
			'paper_ballot',
			'vote_announced'
		])
			expect(types).toContain(type);
		const published = transcript.entries.find((e) => e.type === 'notice_published')!;
		expect(published.data.contentHash).toMatch(/^[0-9a-f]{64}$/);
		// Who appointed whom is never in the record.
		for (const e of transcript.entries.filter((e) => e.type.startsWith('proxy_')))
			expect(JSON.stringify(e)).not.toContain(p1!.participant.id);
	}, 240_000);

	it('opens early with a reason, shown with the result', async () => {
		const fx = await createSessionWithInvites(server, { roles: ['owner'] });
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意紧急动用维修资金抢修电梯？',
				kind: 'yes_no_abstain',
				secret: true,
				tally: 'hidden',
				eligibility: 'households',
				rule: { kind: 'civil_code_278', matter: 'ordinary' }
			}),
			201
		);
		expectStatus(
			await fx.moderator.post(`/api/v1/votes/${vote.id}/notice`, { text: '紧急抢修' }),
			201
		);
		expect(errorCode(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}))).toBe(
			'notice_period'
		);
		expectStatus(
			await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {
				reason: '两部电梯停运，困人风险'
			}),
			200
		);
		expect((await new ApiClient(server).get(`/api/v1/votes/${vote.id}/announcement`)).status).toBe(
			409
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/close`, {}), 200);
		const a = expectStatus<AnnouncementView>(
			await new ApiClient(server).get(`/api/v1/votes/${vote.id}/announcement`),
			200
		);
		expect(a.earlyReason).toBe('两部电梯停运，困人风险');
		expect(a.result.passed).toBe(false);
	});

	it('a notice of the whole meeting covers every vote without its own, once its period has run', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['owner'],
			items: [{ title: '电梯更换' }, { title: '门禁系统' }]
		});
		const [first, second] = fx.session.items;
		expectStatus(
			await admin.request('PATCH', `/api/v1/communities/${COMMUNITY}`, {
				json: { noticeDays: 15 }
			}),
			200
		);
		const levy = (itemId: string, question: string) =>
			fx.moderator.post<{ id: string }>(`/api/v1/items/${itemId}/votes`, {
				question,
				kind: 'yes_no_abstain',
				secret: true,
				tally: 'hidden',
				eligibility: 'households',
				rule: { kind: 'civil_code_278', matter: 'ordinary' }
			});
		const covered = expectStatus<{ id: string }>(await levy(first!.id, '是否同意更换电梯？'), 201);
		// A body that is not what a notice takes is refused, and nothing is published.
		expect(
			errorCode(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/notice`, { place: 7 }))
		).toBe('invalid_payload');
		const notice = expectStatus<{ id: string; publishedAt: string; openFrom: string }>(
			await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/notice`, {
				text: '召开业主大会，审议电梯更换及费用分摊',
				place: '小区会所二楼'
			}),
			201
		);
		expect(Date.parse(notice.openFrom) - Date.parse(notice.publishedAt)).toBe(15 * DAY * 1000);
		const listed = expectStatus<Record<string, unknown>[]>(
			await new ApiClient(server).get(`/api/v1/communities/${COMMUNITY}/notices`),
			200
		).find((n) => n.id === notice.id)!;
		expect(listed).toMatchObject({ sessionId: fx.session.id, openFrom: notice.openFrom });
		expect(listed).not.toHaveProperty('voteId');
		const detail = expectStatus<{ content: { kind: string; items: { title: string }[] } }>(
			await new ApiClient(server).get(`/api/v1/notices/${notice.id}`),
			200
		);
		expect(detail.content.kind).toBe('session');
		expect(detail.content.items.map((i) => i.title)).toEqual(fx.session.items.map((i) => i.title));
		// A vote created after the notice is covered too; one with a notice of its own follows that.
		const later = expectStatus<{ id: string }>(
			await levy(first!.id, '是否同意使用维修资金？'),
			201
		);
		const own = expectStatus<{ id: string }>(await levy(second!.id, '是否同意加装门禁？'), 201);
		await advance(10 * DAY);
		const ownNotice = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/votes/${own.id}/notice`, { text: '门禁单独公告' }),
			201
		);
		expect(errorCode(await fx.moderator.post(`/api/v1/votes/${covered.id}/open`, {}))).toBe(
			'notice_period'
		);
		await advance(5 * DAY);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${covered.id}/open`, {}), 200);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${later.id}/open`, {}), 200);
		expect(errorCode(await fx.moderator.post(`/api/v1/votes/${own.id}/open`, {}))).toBe(
			'notice_period'
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${covered.id}/close`, {}), 200);
		const a = expectStatus<AnnouncementView>(
			await new ApiClient(server).get(`/api/v1/votes/${covered.id}/announcement`),
			200
		);
		expect(a.notice?.id).toBe(notice.id);
		expect(a.earlyReason ?? null).toBeNull();
		expect(ownNotice.id).not.toBe(notice.id);
		const transcript = expectStatus<{ entries: { type: string; data: Record<string, unknown> }[] }>(
			await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		expect(
			transcript.entries.find((e) => e.type === 'notice_published' && e.data.noticeId === notice.id)
				?.data
		).toMatchObject({ voteId: null, openFrom: notice.openFrom });
	});

	it('ranked, score and approval votes: winners, rounds and paper ballots for people', async () => {
		const fx = await createSessionWithInvites(server, { roles: ['resident'] });
		const people = await Promise.all(
			['甲', '乙', '丙', '丁', '戊'].map((n) => joinAs(server, fx.invites.resident!.token, n))
		);
		const socks = await Promise.all(people.map((p) => joined(server, p, fx.session.id)));
		sockets.push(...socks);
		const itemId = fx.session.items[0]!.id;
		const create = async (kind: string) =>
			expectStatus<{ id: string; options: { id: string }[] }>(
				await fx.moderator.post(`/api/v1/items/${itemId}/votes`, {
					question: `电梯品牌（${kind}）`,
					kind,
					options: [{ label: '三菱' }, { label: '日立' }, { label: '奥的斯' }],
					secret: false,
					tally: 'live',
					eligibility: 'participants'
				}),
				201
			);
		const ranked = await create('ranked');
		expectStatus(await fx.moderator.post(`/api/v1/votes/${ranked.id}/open`, {}), 200);
		// First choices o1 2, o2 2, o3 1 → o3 goes (its ballot ranks o2 next) → o2 3 of 5 wins.
		const rankings = [['o1'], ['o1', 'o2'], ['o2'], ['o2', 'o1'], ['o3', 'o2']];
		for (let i = 0; i < 4; i++) {
			expect(
				await emitAck(socks[i]!, 'ballot:cast', { voteId: ranked.id, choice: rankings[i]! })
			).toMatchObject({ ok: true });
		}
		expect((await emitAck(socks[4]!, 'ballot:cast', { voteId: ranked.id, choice: 'o1' })).ok).toBe(
			false
		);
		// The fifth person hands in paper.
		expectStatus(
			await fx.moderator.post(`/api/v1/votes/${ranked.id}/paper-ballots`, {
				participantId: people[4]!.participant.id,
				choice: rankings[4]
			}),
			200
		);
		const r = expectStatus<TallyView>(
			await fx.moderator.post(`/api/v1/votes/${ranked.id}/close`, {}),
			200
		);
		expect(r.result).toMatchObject({
			winner: 'o2',
			passed: true,
			rounds: [
				{ counts: { o1: 2, o2: 2, o3: 1 }, eliminated: 'o3' },
				{ counts: { o1: 2, o2: 3 }, eliminated: null }
			]
		});

		const score = await create('score');
		expectStatus(await fx.moderator.post(`/api/v1/votes/${score.id}/open`, {}), 200);
		const scores: Record<string, number>[] = [
			{ o1: 5, o2: 3 },
			{ o1: 4, o2: 5 },
			{ o1: 3, o2: 5, o3: 0 }
		];
		for (let i = 0; i < 3; i++)
			expect(
				(await emitAck(socks[i]!, 'ballot:cast', { voteId: score.id, choice: scores[i]! })).ok
			).toBe(true);
		expect(
			(await emitAck(socks[3]!, 'ballot:cast', { voteId: score.id, choice: { o1: 9 } })).ok
		).toBe(false);
		const sc = expectStatus<TallyView>(
			await fx.moderator.post(`/api/v1/votes/${score.id}/close`, {}),
			200
		);
		// o1 mean 4, o2 mean 13/3 ≈ 4.33 → o2.
		expect(sc.result).toMatchObject({
			winner: 'o2',
			scores: { o1: { mean: 4 }, o2: { mean: 4.33 } }
		});

		const approval = await create('approval');
		expectStatus(await fx.moderator.post(`/api/v1/votes/${approval.id}/open`, {}), 200);
		const approvals = [['o1', 'o3'], ['o3'], [], ['o2', 'o3']];
		for (let i = 0; i < 4; i++)
			expect(
				(await emitAck(socks[i]!, 'ballot:cast', { voteId: approval.id, choice: approvals[i]! })).ok
			).toBe(true);
		const ap = expectStatus<TallyView>(
			await fx.moderator.post(`/api/v1/votes/${approval.id}/close`, {}),
			200
		);
		expect(ap.result).toMatchObject({ winner: 'o3', approvals: { o1: 1, o2: 1, o3: 3 } });
		expect(ap.participation.headcount).toBe(4);
	});
});
