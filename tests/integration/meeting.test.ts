/**
 * The meeting contract (REFERENCE.md §5) on the real build with many real socket.io clients.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueueView, TallyView } from '../../src/lib/protocol';
import {
	availableStores,
	createSessionWithInvites,
	emitAck,
	expectStatus,
	joinAs,
	nextEvent,
	socketClient,
	startServer,
	userClient,
	type ApiClient,
	type ClientSocket,
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
}

async function joined(
	server: ServerHandle,
	client: ApiClient,
	sessionId: string
): Promise<ClientSocket> {
	const socket = await socketClient(server, client);
	const ack = await emitAck(socket, 'session:join', { sessionId });
	if (!ack.ok) throw new Error(ack.error.message);
	return socket;
}

describe.each(availableStores())('live votes under load (%s)', (store) => {
	let server: ServerHandle;
	let fx: SessionFixture;
	beforeAll(async () => {
		server = await startServer({ store });
		fx = await createSessionWithInvites(server, { roles: ['resident', 'observer'] });
	});
	afterAll(() => server?.dispose());

	it('100 voters casting twice at once from two sockets each leave exactly one ballot per seat', async () => {
		const voters = await Promise.all(
			Array.from({ length: 100 }, (_, i) =>
				joinAs(server, fx.invites.resident!.token, `居民${i + 1}`)
			)
		);
		const vote = expectStatus<{ id: string; options: { id: string }[] }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意更换三部电梯？',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expect(vote.options.map((o) => o.id)).toEqual(['yes', 'no', 'abstain']);
		const sockets = await Promise.all(
			voters.flatMap((v) => [joined(server, v, fx.session.id), joined(server, v, fx.session.id)])
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const acks = await Promise.all(
			sockets.map((s, i) =>
				emitAck(s, 'ballot:cast', { voteId: vote.id, choice: i % 4 < 2 ? 'yes' : 'no' })
			)
		);
		const accepted = acks.filter((a) => a.ok).length;
		const refused = acks.filter((a) => !a.ok);
		expect(accepted).toBe(100);
		expect(refused.every((a) => !a.ok && a.error.code === 'already_voted')).toBe(true);
		const tally = expectStatus<TallyView>(await fx.moderator.get(`/api/v1/votes/${vote.id}`), 200);
		expect(tally.participation).toMatchObject({ headcount: 100, eligibleHeadcount: 100 });
		expect(tally.counts!.yes!.headcount + tally.counts!.no!.headcount).toBe(100);
		for (const s of sockets) s.disconnect();
	}, 120_000);

	it('a forged weight, voter id or option in a payload changes nothing', async () => {
		const fxs = await createSessionWithInvites(server);
		const [a, b] = await Promise.all([
			joinAs(server, fxs.invites.resident!.token, '甲'),
			joinAs(server, fxs.invites.resident!.token, '乙')
		]);
		const vote = expectStatus<{ id: string }>(
			await fxs.moderator.post(`/api/v1/items/${fxs.session.items[0]!.id}/votes`, {
				question: '试验',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		const sa = await joined(server, a, fxs.session.id);
		expectStatus(await fxs.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const forged = {
			voteId: vote.id,
			choice: 'yes',
			weight: 1000,
			area: 99999,
			participantId: b.participant.id,
			voterKey: b.participant.id
		};
		expect(await emitAck(sa, 'ballot:cast', forged as never)).toMatchObject({ ok: true });
		expect(await emitAck(sa, 'ballot:cast', { voteId: vote.id, choice: 'maybe' })).toMatchObject({
			ok: false,
			error: { code: 'invalid_payload' }
		});
		const tally = expectStatus<TallyView>(await fxs.moderator.get(`/api/v1/votes/${vote.id}`), 200);
		expect(tally.counts!.yes).toEqual({ headcount: 1, area: 0 });
		expect(tally.participation.headcount).toBe(1);
		// b has not voted: their seat is still free.
		const sb = await joined(server, b, fxs.session.id);
		expect(await emitAck(sb, 'ballot:cast', { voteId: vote.id, choice: 'no' })).toMatchObject({
			ok: true
		});
		sa.disconnect();
		sb.disconnect();
	});

	it('refuses ballots before opening and after closing, and observers always', async () => {
		const fxs = await createSessionWithInvites(server, { roles: ['resident', 'observer'] });
		const voter = await joinAs(server, fxs.invites.resident!.token, '丙');
		const observer = await joinAs(server, fxs.invites.observer!.token, '列席');
		const vote = expectStatus<{ id: string }>(
			await fxs.moderator.post(`/api/v1/items/${fxs.session.items[0]!.id}/votes`, {
				question: '试验',
				kind: 'yes_no_abstain',
				secret: true,
				tally: 'hidden',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		const s = await joined(server, voter, fxs.session.id);
		const so = await joined(server, observer, fxs.session.id);
		expect(await emitAck(s, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
			ok: false,
			error: { code: 'vote_not_open' }
		});
		const opened = expectStatus<TallyView>(
			await fxs.moderator.post(`/api/v1/votes/${vote.id}/open`, {}),
			200
		);
		expect(opened.status).toBe('open');
		expect(await emitAck(so, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
			ok: false,
			error: { code: 'forbidden' }
		});
		expect(await emitAck(s, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
			ok: true
		});
		const hidden = expectStatus<TallyView>(
			await fxs.moderator.get(`/api/v1/votes/${vote.id}`),
			200
		);
		expect(hidden.counts).toBeUndefined();
		expect(hidden.participation.headcount).toBe(1);
		const closed = expectStatus<TallyView>(
			await fxs.moderator.post(`/api/v1/votes/${vote.id}/close`, {}),
			200
		);
		expect(closed.result?.passed).toBe(true);
		expect(closed.counts?.yes?.headcount).toBe(1);
		expect(await emitAck(s, 'ballot:cast', { voteId: vote.id, choice: 'no' })).toMatchObject({
			ok: false,
			error: { code: 'vote_closed' }
		});
		expect((await fxs.moderator.post(`/api/v1/votes/${vote.id}/close`, {})).status).toBe(409);
		s.disconnect();
		so.disconnect();
	});

	it('ballots racing the close: every accepted ballot is in the result, none lands after it', async () => {
		const fxs = await createSessionWithInvites(server);
		const voters = await Promise.all(
			Array.from({ length: 60 }, (_, i) =>
				joinAs(server, fxs.invites.resident!.token, `赛跑${i + 1}`)
			)
		);
		const vote = expectStatus<{ id: string }>(
			await fxs.moderator.post(`/api/v1/items/${fxs.session.items[0]!.id}/votes`, {
				question: '截止时的选票',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		const sockets = await Promise.all(voters.map((v) => joined(server, v, fxs.session.id)));
		expectStatus(await fxs.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		// A first wave is in before the close; the second is sent together with it.
		const first = await Promise.all(
			sockets.slice(0, 10).map((s) => emitAck(s, 'ballot:cast', { voteId: vote.id, choice: 'yes' }))
		);
		expect(first.every((a) => a.ok)).toBe(true);
		const racing = sockets
			.slice(10)
			.map((s) => emitAck(s, 'ballot:cast', { voteId: vote.id, choice: 'no' }));
		const closing = fxs.moderator.post<TallyView>(`/api/v1/votes/${vote.id}/close`, {});
		const acks = await Promise.all(racing);
		const closed = expectStatus<TallyView>(await closing, 200);
		const accepted = acks.filter((a) => a.ok).length;
		const refused = acks.filter((a) => !a.ok);
		expect(
			refused.map((a) => (a.ok ? 'ok' : a.error.code)).filter((c) => c !== 'vote_closed')
		).toEqual([]);
		// The stored result counts exactly the acknowledged ballots: none missing, none extra.
		expect(closed.counts!.yes!.headcount).toBe(10);
		expect(closed.counts!.no!.headcount).toBe(accepted);
		expect(closed.participation.headcount).toBe(10 + accepted);
		// And every voter whose ballot was taken finds their receipt in the published list, even
		// one whose ballot went in a moment before the close sealed it.
		const board = expectStatus<{ ballots: { receipt: string }[] }>(
			await fxs.moderator.get(`/api/v1/votes/${vote.id}/ballots`),
			200
		);
		const published = new Set(board.ballots.map((b) => b.receipt));
		const given = [...first, ...acks].flatMap((a) => (a.ok ? [a.receipt] : []));
		expect(given.filter((r) => !published.has(r))).toEqual([]);
		const after = expectStatus<TallyView>(await fxs.moderator.get(`/api/v1/votes/${vote.id}`), 200);
		expect(after.participation.headcount).toBe(10 + accepted);
		// Once closed, a late ballot is refused and changes nothing.
		expect(
			await emitAck(sockets[0]!, 'ballot:cast', { voteId: vote.id, choice: 'no' })
		).toMatchObject({ ok: false, error: { code: 'vote_closed' } });
		for (const s of sockets) s.disconnect();
	}, 120_000);

	it('a changeable vote keeps one ballot per seat, the latest choice', async () => {
		const fxs = await createSessionWithInvites(server);
		const [a, b] = await Promise.all([
			joinAs(server, fxs.invites.resident!.token, '丁'),
			joinAs(server, fxs.invites.resident!.token, '戊')
		]);
		const vote = expectStatus<{ id: string }>(
			await fxs.moderator.post(`/api/v1/items/${fxs.session.items[0]!.id}/votes`, {
				question: '可改票',
				kind: 'yes_no_abstain',
				secret: true,
				tally: 'live',
				eligibility: 'participants',
				changeable: true,
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		const [sa, sb] = await Promise.all([
			joined(server, a, fxs.session.id),
			joined(server, b, fxs.session.id)
		]);
		expectStatus(await fxs.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		for (const choice of ['yes', 'no', 'abstain', 'no']) {
			expect(await emitAck(sa, 'ballot:cast', { voteId: vote.id, choice })).toMatchObject({
				ok: true
			});
		}
		expect(await emitAck(sb, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
			ok: true
		});
		const open = expectStatus<TallyView>(await fxs.moderator.get(`/api/v1/votes/${vote.id}`), 200);
		expect(open.participation.headcount).toBe(2);
		expect(open.counts!.no!.headcount).toBe(1);
		expect(open.counts!.yes!.headcount).toBe(1);
		const closed = expectStatus<TallyView>(
			await fxs.moderator.post(`/api/v1/votes/${vote.id}/close`, {}),
			200
		);
		expect(closed.participation.headcount).toBe(2);
		expect(closed.counts!.no!.headcount).toBe(1);
		expect(closed.counts!.abstain!.headcount).toBe(0);
		sa.disconnect();
		sb.disconnect();
	});
});

describe('speaker queue and reconnects', () => {
	let server: ServerHandle;
	afterAll(() => server?.dispose());

	it('orders hands, gives the floor with a countdown, and a reconnecting phone gets the exact state', async () => {
		server = await startServer();
		const fx = await createSessionWithInvites(server, {
			roles: ['resident', 'property', 'observer']
		});
		const [wang, liu] = await Promise.all([
			joinAs(server, fx.invites.resident!.token, '王阿姨'),
			joinAs(server, fx.invites.property!.token, '物业刘经理')
		]);
		const sw = await joined(server, wang, fx.session.id);
		const sl = await joined(server, liu, fx.session.id);
		expect(await emitAck(sw, 'hand:raise', {})).toMatchObject({ ok: true });
		expect(await emitAck(sw, 'hand:raise', {})).toMatchObject({
			ok: false,
			error: { code: 'already_queued' }
		});
		const queued = nextEvent(sw, 'queue', 5000, (q: QueueView) => q.entries.length === 2);
		expect(await emitAck(sl, 'hand:raise', { kind: 'point_of_order' })).toMatchObject({ ok: true });
		expect((await queued).entries.map((e) => e.participantId)).toEqual([
			liu.participant.id,
			wang.participant.id
		]);

		const floor = expectStatus<QueueView>(
			await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/floor`, {}),
			200
		);
		expect(floor.speaking).toMatchObject({ participantId: liu.participant.id, limitSeconds: 180 });

		// The resident's phone drops and comes back: session:join returns the same queue.
		sw.disconnect();
		const again = await socketClient(server, wang);
		const ack = await emitAck(again, 'session:join', { sessionId: fx.session.id });
		if (!ack.ok) throw new Error(ack.error.message);
		expect(ack.state.queue.speaking?.participantId).toBe(liu.participant.id);
		expect(ack.state.queue.entries.map((e) => e.participantId)).toEqual([wang.participant.id]);

		// The moderator queues someone without a phone; recorded as theirs.
		const observerLike = await joinAs(server, fx.invites.resident!.token, '没有手机的张大爷');
		const onBehalf = await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/hands`, {
			participantId: observerLike.participant.id
		});
		expect(onBehalf.status).toBe(201);
		expectStatus(await fx.moderator.del(`/api/v1/sessions/${fx.session.id}/floor`), 200);
		const next = expectStatus<QueueView>(
			await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/floor`, {}),
			200
		);
		expect(next.speaking?.participantId).toBe(wang.participant.id);
		again.disconnect();
		sl.disconnect();
	});
});

describe('household register and a Civil Code art. 278 vote', () => {
	let server: ServerHandle;
	afterAll(() => server?.dispose());

	it('imports all or nothing, seats owners by slip, and decides a major matter by owners AND area', async () => {
		server = await startServer();
		const fx = await createSessionWithInvites(server, {
			roles: ['owner'],
			title: '和平花园D栋业主大会'
		});
		const community = fx.session.communityId;
		const bad = expectStatus<{ imported: number; errors: { line: number }[] }>(
			await fx.moderator.request('POST', `/api/v1/communities/${community}/households`, {
				body: 'building,unit,area,owner\nD栋,101,88.50,owner-001\nD栋,102,abc,owner-002\n',
				headers: { 'content-type': 'text/csv' }
			}),
			200
		);
		expect(bad).toEqual({ imported: 0, errors: [expect.objectContaining({ line: 3 })] });
		expect(
			expectStatus<Household[]>(
				await fx.moderator.get(`/api/v1/communities/${community}/households`),
				200
			)
		).toEqual([]);

		const ok = expectStatus<{ imported: number }>(
			await fx.moderator.request('POST', `/api/v1/communities/${community}/households`, {
				body: register,
				headers: { 'content-type': 'text/csv' }
			}),
			200
		);
		expect(ok.imported).toBe(192);
		const list = expectStatus<Household[]>(
			await fx.moderator.get(`/api/v1/communities/${community}/households`),
			200
		);
		const byOwner = new Map<string, Household[]>();
		for (const h of list) byOwner.set(h.owner, [...(byOwner.get(h.owner) ?? []), h]);
		expect(byOwner.size).toBe(185);

		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '按每平方米15元二次筹集维修资金',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'households',
				rule: { kind: 'civil_code_278', matter: 'major' }
			}),
			201
		);
		// 150 owners on phones (seated by their slips), the rest on paper.
		const owners = [...byOwner.values()];
		const phones = await Promise.all(
			owners
				.slice(0, 150)
				.map((units, i) =>
					joinAs(server, fx.invites.owner!.token, `业主${i + 1}`).then((c) => ({ c, units }))
				)
		);
		const seated = await Promise.all(
			phones.map(({ c, units }) =>
				c.post(`/api/v1/sessions/${fx.session.id}/seats`, {
					seatCode: units[units.length - 1]!.seatCode
				})
			)
		);
		expect(seated.map((r) => r.status)).toEqual(phones.map(() => 200));
		// A second phone cannot take a seat someone holds — not even through the owner's other unit.
		const twoUnits = phones.find((p) => p.units.length === 2)!;
		const intruder = await joinAs(server, fx.invites.owner!.token, '冒名者');
		const taken = await intruder.post(`/api/v1/sessions/${fx.session.id}/seats`, {
			seatCode: twoUnits.units[0]!.seatCode
		});
		expect(taken.status).toBe(409);
		expect((taken.body as { error: { code: string } }).error.code).toBe('seat_taken');

		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const sockets = await Promise.all(phones.map(({ c }) => joined(server, c, fx.session.id)));
		// 120 yes, 30 no on phones; 20 paper yes, 15 absent.
		const acks = await Promise.all(
			sockets.map((s, i) =>
				emitAck(s, 'ballot:cast', { voteId: vote.id, choice: i < 120 ? 'yes' : 'no' })
			)
		);
		expect(acks.every((a) => a.ok)).toBe(true);
		for (const units of owners.slice(150, 170)) {
			expectStatus(
				await fx.moderator.post(`/api/v1/votes/${vote.id}/paper-ballots`, {
					householdId: units[0]!.id,
					choice: 'yes'
				}),
				200
			);
		}
		const dup = await fx.moderator.post(`/api/v1/votes/${vote.id}/paper-ballots`, {
			householdId: owners[0]![0]!.id,
			choice: 'no'
		});
		expect(dup.status).toBe(409);

		const closed = expectStatus<TallyView>(
			await fx.moderator.post(`/api/v1/votes/${vote.id}/close`, {}),
			200
		);
		const area = (list: Household[][]) =>
			Math.round(list.flat().reduce((s, h) => s + h.area * 100, 0)) / 100;
		expect(closed.participation).toEqual({
			headcount: 170,
			area: area(owners.slice(0, 170)),
			eligibleHeadcount: 185,
			eligibleArea: 20062
		});
		expect(closed.counts!.yes!.headcount).toBe(140);
		const checks = Object.fromEntries(closed.result!.checks.map((c) => [c.name, c]));
		expect(checks.participation_owners!.ok).toBe(true); // 170/185 ≥ 2/3
		expect(checks.yes_owners!.ok).toBe(true); // 140/170 ≥ 3/4
		expect(closed.result!.passed).toBe(checks.yes_area!.ok && checks.participation_area!.ok);
		expect(closed.result!.rule).toEqual({ kind: 'civil_code_278', matter: 'major' });
		for (const s of sockets) s.disconnect();
	}, 120_000);
});

describe('who may run the meeting', () => {
	let server: ServerHandle;
	afterAll(() => server?.dispose());

	it('lets a clerk run everything but the opening and closing of votes, and frees a seat on request', async () => {
		server = await startServer();
		const fx = await createSessionWithInvites(server, { roles: ['owner'] });
		const clerk = await userClient(server, fx.admin, 'clerk');
		const item = fx.session.items[0]!;
		expectStatus(
			await clerk.post(`/api/v1/items/${item.id}/status`, { status: 'discussing' }),
			200
		);
		expectStatus(
			await clerk.post(`/api/v1/sessions/${fx.session.id}/current`, { itemId: item.id }),
			200
		);
		const vote = expectStatus<{ id: string }>(
			await clerk.post(`/api/v1/items/${item.id}/votes`, {
				question: '记录员创建的表决',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'households',
				rule: { kind: 'civil_code_278', matter: 'ordinary' }
			}),
			201
		);
		expect((await clerk.post(`/api/v1/votes/${vote.id}/open`, {})).status).toBe(403);
		expectStatus(
			await clerk.request('POST', `/api/v1/communities/${fx.session.communityId}/households`, {
				body: 'building,unit,area,owner\nA栋,101,80.00,o1\nA栋,102,90.00,o2\n',
				headers: { 'content-type': 'text/csv' }
			}),
			200
		);
		const [h1] = expectStatus<Household[]>(
			await clerk.get(`/api/v1/communities/${fx.session.communityId}/households`),
			200
		);
		const owner = await joinAs(server, fx.invites.owner!.token, '业主甲');
		const other = await joinAs(server, fx.invites.owner!.token, '业主乙');
		expectStatus(
			await owner.post(`/api/v1/sessions/${fx.session.id}/seats`, { seatCode: h1!.seatCode }),
			200
		);
		expect(
			(await other.post(`/api/v1/sessions/${fx.session.id}/seats`, { seatCode: h1!.seatCode }))
				.status
		).toBe(409);
		expect((await owner.del(`/api/v1/sessions/${fx.session.id}/seats/${h1!.id}`)).status).toBe(403);
		expect((await clerk.del(`/api/v1/sessions/${fx.session.id}/seats/${h1!.id}`)).status).toBe(204);
		expectStatus(
			await other.post(`/api/v1/sessions/${fx.session.id}/seats`, {
				seatCode: `${server.origin}/seat/${h1!.seatCode}`
			}),
			200
		);
		expect(
			(
				await owner.post(`/api/v1/items/${item.id}/votes`, {
					question: 'x',
					kind: 'yes_no_abstain',
					secret: false,
					tally: 'live',
					eligibility: 'participants',
					rule: { kind: 'majority_cast' }
				})
			).status
		).toBe(403);
		expect(
			(
				await clerk.post(`/api/v1/items/${item.id}/votes`, {
					question: 'x',
					kind: 'yes_no_abstain',
					secret: false,
					tally: 'live',
					eligibility: 'participants',
					rule: { kind: 'civil_code_278', matter: 'major' }
				})
			).status
		).toBe(400);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		expect((await clerk.post(`/api/v1/votes/${vote.id}/close`, {})).status).toBe(403);
	});
});
