/**
 * Outcomes on the real build (REFERENCE.md §11): amendments proposed on a passage, supported,
 * put to a vote and merged into the proposal every y-websocket client has open; the item's
 * status follows the vote; outcome and progress on the public record; the stream link and
 * bloc shares; Chinese search over everything public.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { AmendmentView, OutcomeView, TranscriptView } from '../../src/lib/protocol';
import {
	ApiClient,
	availableStores,
	createSessionWithInvites,
	emitAck,
	eventually,
	expectStatus,
	joinAs,
	socketClient,
	startServer,
	tokenOf,
	whenSynced,
	yjsProvider,
	type ClientSocket,
	type ServerHandle
} from './harness';

function para(text: string): Y.XmlElement {
	const el = new Y.XmlElement('paragraph');
	el.insert(0, [new Y.XmlText(text)]);
	return el;
}

const fragmentText = (doc: Y.Doc) =>
	doc
		.getXmlFragment('prosemirror')
		.toArray()
		.map((p) => ((p as Y.XmlElement).get(0) as Y.XmlText).toString())
		.join('\n');

/** An anchor made straight from Yjs: the passage `passage` of paragraph `i`. */
function anchorIn(doc: Y.Doc, i: number, passage: string) {
	const text = (doc.getXmlFragment('prosemirror').get(i) as Y.XmlElement).get(0) as Y.XmlText;
	const at = text.toString().indexOf(passage);
	if (at < 0) throw new Error(`"${passage}" not in paragraph ${i}`);
	return {
		start: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, at)),
		end: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(text, at + passage.length))
	};
}

const yesNo = (extra: Record<string, unknown> = {}) => ({
	question: '是否采纳',
	kind: 'yes_no_abstain',
	secret: false,
	tally: 'live',
	eligibility: 'participants',
	rule: { kind: 'majority_cast' },
	...extra
});

describe.each(availableStores())('outcomes (%s)', (store) => {
	let server: ServerHandle;
	const sockets: ClientSocket[] = [];
	const providers: { destroy(): void }[] = [];
	beforeAll(async () => {
		server = await startServer({ store });
	});
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		for (const p of providers) p.destroy();
		await server?.dispose();
	});

	async function joined(client: ApiClient, sessionId: string) {
		const socket = await socketClient(server, client);
		sockets.push(socket);
		expect(await emitAck(socket, 'session:join', { sessionId })).toMatchObject({ ok: true });
		return socket;
	}

	it('an amendment is supported, voted on and merged into the text every client sees', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['resident', 'observer'],
			asModerator: true,
			items: [{ title: '加装电梯' }, { title: '绿化调整' }]
		});
		const sid = fx.session.id;
		const item = fx.session.items[0]! as { id: string; docName: string };
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const li = await joinAs(server, fx.invites.resident!.token, '李师傅');
		const observer = await joinAs(server, fx.invites.observer!.token, '列席');

		const docA = new Y.Doc();
		const pa = yjsProvider(server, wang, item.docName, docA);
		providers.push(pa);
		await whenSynced(pa);
		docA
			.getXmlFragment('prosemirror')
			.insert(0, [para('第一条：电梯费用按面积分摊。'), para('第二条：施工期间每天八点开工。')]);
		const docB = new Y.Doc();
		const pb = yjsProvider(server, li, item.docName, docB);
		providers.push(pb);
		await whenSynced(pb);
		await eventually(() => docB.getXmlFragment('prosemirror').length === 2, 10_000, 'B synced');

		const base = `/api/v1/items/${item.id}/amendments`;
		// Observers write nothing; an anchor must point into this proposal.
		expectStatus(
			await observer.post(base, { anchor: anchorIn(docA, 0, '按面积'), text: '按户' }),
			403
		);
		expectStatus(await wang.post(base, { anchor: { start: { foo: 1 }, end: {} }, text: 'x' }), 400);

		const first = expectStatus<{ id: string; status: string }>(
			await wang.post(base, {
				anchor: anchorIn(docA, 0, '按面积'),
				text: '按户数和面积',
				reason: '兼顾低层住户'
			}),
			201
		);
		expect(first.status).toBe('open');
		// Overlaps the first one: stale once the first is merged.
		const overlapping = expectStatus<{ id: string }>(
			await li.post(base, { anchor: anchorIn(docB, 0, '面积分摊'), text: '人头分摊' }),
			201
		);
		// In the second paragraph, proposed earlier in time order than its position says.
		const later = expectStatus<{ id: string }>(
			await li.post(base, { anchor: anchorIn(docB, 1, '八点'), text: '九点' }),
			201
		);

		// Support once per person.
		expect(
			expectStatus<{ supporters: number }>(
				await li.post(`/api/v1/amendments/${first.id}/support`),
				200
			).supporters
		).toBe(1);
		expect(
			expectStatus<{ supporters: number }>(
				await li.post(`/api/v1/amendments/${first.id}/support`),
				200
			).supporters
		).toBe(1);

		let list = expectStatus<AmendmentView[]>(await observer.get(base), 200);
		expect(list.map((a) => a.id)).toEqual([first.id, overlapping.id, later.id]);
		expect(list[0]).toMatchObject({
			status: 'open',
			quote: '按面积',
			text: '按户数和面积',
			reason: '兼顾低层住户',
			author: { name: '王阿姨', role: 'resident' },
			supporters: 1
		});

		// A vote on the amendment: passing it merges the text into the live document.
		const sw = await joined(wang, sid);
		const sl = await joined(li, sid);
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${item.id}/votes`, yesNo({ amendmentId: first.id })),
			201
		);
		expectStatus(
			await fx.moderator.post(
				`/api/v1/items/${item.id}/votes`,
				yesNo({ amendmentId: 'no-such-amendment' })
			),
			404
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`), 200);
		for (const s of [sw, sl])
			expect(await emitAck(s, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
				ok: true
			});
		const closed = expectStatus<{ result: { passed: boolean } }>(
			await fx.moderator.post(`/api/v1/votes/${vote.id}/close`),
			200
		);
		expect(closed.result.passed).toBe(true);

		for (const doc of [docA, docB]) {
			await eventually(
				() => fragmentText(doc).startsWith('第一条：电梯费用按户数和面积分摊。'),
				10_000,
				'merged text reached the client'
			);
		}
		expect(fragmentText(docB)).toBe(
			'第一条：电梯费用按户数和面积分摊。\n第二条：施工期间每天八点开工。'
		);

		list = expectStatus<AmendmentView[]>(await wang.get(base), 200);
		const byId = new Map(list.map((a) => [a.id, a]));
		expect(byId.get(first.id)).toMatchObject({ status: 'accepted', quote: '按户数和面积' });
		expect(byId.get(overlapping.id)!.status).toBe('stale');
		expect(byId.get(later.id)).toMatchObject({ status: 'open', quote: '八点' });

		// Accepted by the moderator directly; a second decision is out of order.
		expectStatus(await wang.post(`/api/v1/amendments/${later.id}/accept`), 403);
		expectStatus(await fx.moderator.post(`/api/v1/amendments/${later.id}/accept`), 200);
		await eventually(
			() => fragmentText(docA).endsWith('第二条：施工期间每天九点开工。'),
			10_000,
			'second merge reached the client'
		);
		expectStatus(await fx.moderator.post(`/api/v1/amendments/${later.id}/reject`), 409);

		// The item followed the vote; the transcript checkpointed the text before and after.
		const session = expectStatus<{ items: { id: string; status: string }[] }>(
			await fx.moderator.get(`/api/v1/sessions/${sid}`),
			200
		);
		expect(session.items.find((i) => i.id === item.id)!.status).toBe('resolved');
		const record = expectStatus<TranscriptView>(
			await fx.moderator.get(`/api/v1/sessions/${sid}/transcript`),
			200
		);
		const accepted = record.entries.find(
			(e) =>
				e.type === 'amendment_accepted' &&
				(e.data as { amendmentId: string }).amendmentId === first.id
		)!;
		expect(accepted.data).toMatchObject({
			quote: '按面积',
			text: '按户数和面积',
			stale: [overlapping.id]
		});
		expect((accepted.data as { textBefore: string }).textBefore).toContain('按面积分摊');
		expect((accepted.data as { textAfter: string }).textAfter).toContain('按户数和面积分摊');

		// A new client (after the merges) loads the merged text from the server.
		const docC = new Y.Doc();
		const pc = yjsProvider(server, observer, item.docName, docC);
		providers.push(pc);
		await whenSynced(pc);
		expect(fragmentText(docC)).toBe(
			'第一条：电梯费用按户数和面积分摊。\n第二条：施工期间每天九点开工。'
		);
	});

	it('a decided item follows the path a project does: notice once closed, one rating per neighbour', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['resident'],
			asModerator: true,
			items: [{ title: '加装电梯' }, { title: '暂无结论' }]
		});
		const sid = fx.session.id;
		const [one, two] = fx.session.items as { id: string }[];
		const community = fx.session.communityId ?? 'default-community';
		const codeOf = (res: { body: unknown }) =>
			(res.body as { error?: { code?: string } }).error?.code;
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${one!.id}/outcome`, {
				text: '加装一部电梯，费用按面积分摊',
				owner: '居委会',
				due: '2027-12-31'
			}),
			200
		);
		const early = await fx.moderator.post(`/api/v1/items/${one!.id}/outcome/notice`, { days: 3 });
		expect([early.status, codeOf(early)]).toEqual([409, 'session_open']);
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${sid}/close`, {}), 200);
		const empty = await fx.moderator.post(`/api/v1/items/${two!.id}/outcome/notice`, { days: 3 });
		expect([empty.status, codeOf(empty)]).toEqual([409, 'no_outcome']);

		// A neighbour joins the community with its link (not the session's).
		const link = expectStatus(
			await fx.moderator.post<{ url: string }>(`/api/v1/communities/${community}/invites`, {
				role: 'resident'
			}),
			201
		);
		const neighbour = new ApiClient(server);
		expectStatus(
			await neighbour.post(`/api/v1/join/${tokenOf(link.url)}`, { name: '3号楼王阿姨' }),
			200
		);
		const tooSoon = await neighbour.post(`/api/v1/items/${one!.id}/outcome/ratings`, {
			stars: 4
		});
		expect([tooSoon.status, codeOf(tooSoon)]).toEqual([409, 'notice_not_open']);

		const opened = expectStatus<{ open: boolean; endsAt: string }>(
			await fx.moderator.post(`/api/v1/items/${one!.id}/outcome/notice`, { days: 3 }),
			200
		);
		expect(opened.open).toBe(true);
		expectStatus(
			await neighbour.post(`/api/v1/items/${one!.id}/outcome/ratings`, { stars: 7 }),
			400
		);
		expectStatus(
			await neighbour.post(`/api/v1/items/${one!.id}/outcome/ratings`, {
				stars: 4,
				comment: '进度公开，很好'
			}),
			201
		);
		const again = await neighbour.post(`/api/v1/items/${one!.id}/outcome/ratings`, { stars: 1 });
		expect([again.status, codeOf(again)]).toEqual([409, 'already_rated']);
		// A session participant who never joined the community cannot rate it.
		const outsider = await joinAs(server, fx.invites.resident!.token, '路过的人');
		expect([401, 403]).toContain(
			(await outsider.post(`/api/v1/items/${one!.id}/outcome/ratings`, { stars: 5 })).status
		);

		// Progress may set the status; everyone sees it, the neighbour sees their own rating.
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${one!.id}/progress`, {
				text: '电梯已安装并通过验收',
				status: 'done'
			}),
			201
		);
		const mine = expectStatus<OutcomeView>(
			await neighbour.get(`/api/v1/items/${one!.id}/outcome`),
			200
		);
		expect(mine).toMatchObject({
			status: 'done',
			notice: { open: true, endsAt: opened.endsAt },
			rating: { average: 4, count: 1 },
			ratings: [{ stars: 4, comment: '进度公开，很好', author: '3号楼王阿姨' }],
			myRating: 4,
			updates: [{ text: '电梯已安装并通过验收', status: 'done' }]
		});
		const seen = expectStatus<OutcomeView>(
			await new ApiClient(server).get(`/api/v1/items/${one!.id}/outcome`),
			200
		);
		expect(seen.myRating).toBeUndefined();
		expect(seen.rating).toEqual({ average: 4, count: 1 });

		// The neighbour was told, and the community's page and the outcome's page show it.
		const feed = expectStatus<{ items: { kind: string; url?: string }[] }>(
			await neighbour.get('/api/v1/notifications'),
			200
		);
		expect(feed.items).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ kind: 'outcome_notice', url: `/outcomes/${one!.id}` }),
				expect.objectContaining({ kind: 'outcome_progress', url: `/outcomes/${one!.id}` })
			])
		);
		const html = { headers: { accept: 'text/html' } };
		const board = await new ApiClient(server).get(`/c/${community}`, html);
		expect(board.text).toContain(`/outcomes/${one!.id}`);
		const page = await neighbour.get(`/outcomes/${one!.id}`, html);
		expect(page.status).toBe(200);
		for (const words of ['加装一部电梯，费用按面积分摊', '电梯已安装并通过验收', '进度公开，很好'])
			expect(page.text).toContain(words);
	});

	it('a failed vote leaves the item unresolved unless the moderator set its status after opening', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['resident'],
			asModerator: true,
			items: [{ title: '议题一' }, { title: '议题二' }]
		});
		const sid = fx.session.id;
		const [one, two] = fx.session.items as { id: string }[];
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const sw = await joined(wang, sid);
		const statusOf = async (id: string) =>
			expectStatus<{ items: { id: string; status: string }[] }>(
				await fx.moderator.get(`/api/v1/sessions/${sid}`),
				200
			).items.find((i) => i.id === id)!.status;

		// Set to voting before the vote opened: the result still decides.
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${one!.id}/status`, { status: 'voting' }),
			200
		);
		const v1 = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${one!.id}/votes`, yesNo()),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${v1.id}/open`), 200);
		await emitAck(sw, 'ballot:cast', { voteId: v1.id, choice: 'no' });
		expectStatus(await fx.moderator.post(`/api/v1/votes/${v1.id}/close`), 200);
		expect(await statusOf(one!.id)).toBe('unresolved');

		// Set by hand after the vote opened: the moderator's status stays.
		const v2 = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${two!.id}/votes`, yesNo()),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${v2.id}/open`), 200);
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${two!.id}/status`, { status: 'discussing' }),
			200
		);
		await emitAck(sw, 'ballot:cast', { voteId: v2.id, choice: 'yes' });
		expectStatus(await fx.moderator.post(`/api/v1/votes/${v2.id}/close`), 200);
		expect(await statusOf(two!.id)).toBe('discussing');

		// Outcome and progress; public once the session is closed.
		const anonymous = new ApiClient(server);
		expectStatus(await wang.post(`/api/v1/items/${one!.id}/outcome`, { text: '不加装' }), 403);
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${one!.id}/outcome`, {
				text: '暂不加装，明年再议',
				owner: '居委会',
				due: '2027-06-30'
			}),
			200
		);
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${one!.id}/progress`, {
				text: '已向业主公布结果',
				status: 'in_progress'
			}),
			201
		);
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${one!.id}/progress`, { text: 'x', status: 'late' }),
			400
		);
		expect([401, 403]).toContain((await anonymous.get(`/api/v1/items/${one!.id}/outcome`)).status);
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${sid}/close`, {}), 200);
		const outcome = expectStatus<OutcomeView>(
			await anonymous.get(`/api/v1/items/${one!.id}/outcome`),
			200
		);
		expect(outcome).toMatchObject({
			text: '暂不加装，明年再议',
			owner: '居委会',
			due: '2027-06-30',
			status: 'in_progress',
			updates: [{ text: '已向业主公布结果', status: 'in_progress' }]
		});
		// Follow-up continues after the session closed.
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${one!.id}/progress`, {
				text: '已完成',
				status: 'done'
			}),
			201
		);
		expect(
			expectStatus<OutcomeView>(await anonymous.get(`/api/v1/items/${one!.id}/outcome`), 200).status
		).toBe('done');
		// The public archive page carries the decision and how it was carried out.
		const page = await anonymous.get(`/archive/s/${sid}`, { headers: { accept: 'text/html' } });
		expect(page.status).toBe(200);
		for (const words of [
			'暂不加装，明年再议',
			'居委会',
			'2027-06-30',
			'已向业主公布结果',
			'已完成'
		])
			expect(page.text).toContain(words);
	});

	it('stream link and bloc shares are session settings; the amending phase makes the proposal read-only', async () => {
		const fx = await createSessionWithInvites(server, { roles: ['resident'], asModerator: true });
		const sid = fx.session.id;
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		expectStatus(
			await wang.post(`/api/v1/sessions/${sid}/settings`, {
				streamUrl: 'https://meeting.tencent.com/dm/x'
			}),
			403
		);
		expectStatus(
			await fx.moderator.post(`/api/v1/sessions/${sid}/settings`, {
				streamUrl: 'javascript:alert(1)'
			}),
			400
		);
		const saved = expectStatus<{ streamUrl: string; blocQuotas: Record<string, number> }>(
			await fx.moderator.post(`/api/v1/sessions/${sid}/settings`, {
				streamUrl: 'https://meeting.tencent.com/dm/abc',
				blocQuotas: { resident: 600, property: 600 }
			}),
			200
		);
		expect(saved).toMatchObject({
			streamUrl: 'https://meeting.tencent.com/dm/abc',
			blocQuotas: { resident: 600, property: 600 }
		});
		const view = expectStatus<{
			streamUrl: string;
			blocShares: { bloc: string; quota: number; used: number; left: number }[];
		}>(await wang.get(`/api/v1/sessions/${sid}`), 200);
		expect(view.streamUrl).toBe('https://meeting.tencent.com/dm/abc');
		expect(view.blocShares).toEqual(
			expect.arrayContaining([{ bloc: 'resident', quota: 600, used: 0, left: 600, over: false }])
		);
		// The speaking limit alone still works.
		expectStatus(
			await fx.moderator.post(`/api/v1/sessions/${sid}/settings`, { speakingLimitSeconds: 120 }),
			200
		);

		// Amending phase: writes to the document are dropped; amendments still come in.
		const item = fx.session.items[0]! as { id: string; docName: string };
		const docA = new Y.Doc();
		const pa = yjsProvider(server, wang, item.docName, docA);
		providers.push(pa);
		await whenSynced(pa);
		docA.getXmlFragment('prosemirror').insert(0, [para('原文：每户出资五百元。')]);
		const docM = new Y.Doc();
		const pm = yjsProvider(server, fx.moderator, item.docName, docM);
		providers.push(pm);
		await whenSynced(pm);
		await eventually(() => fragmentText(docM) === '原文：每户出资五百元。', 10_000, 'synced');
		expectStatus(
			await fx.moderator.post(`/api/v1/items/${item.id}/phase`, { phase: 'amending' }),
			200
		);
		await eventually(() => pa.wsconnected && pa.synced, 10_000, 'reconnected read-only');
		const amendment = expectStatus<{ id: string }>(
			await wang.post(`/api/v1/items/${item.id}/amendments`, {
				anchor: anchorIn(docA, 0, '五百元'),
				text: '三百元'
			}),
			201
		);
		((docA.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(
			0,
			'改：'
		);
		expectStatus(await fx.moderator.post(`/api/v1/amendments/${amendment.id}/accept`), 200);
		await eventually(
			() => fragmentText(docM) === '原文：每户出资三百元。',
			10_000,
			'only the amendment changed the text'
		);
	});

	it('search finds Chinese words inside sentences, ranked, over everything public', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['resident'],
			asModerator: true,
			title: '三号楼议事会',
			items: [{ title: '楼道照明改造', body: '更换声控灯' }]
		});
		const sid = fx.session.id;
		const item = fx.session.items[0]! as { id: string };
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const anonymous = new ApiClient(server);
		expectStatus(
			await wang.post(`/api/v1/sessions/${sid}/statements`, {
				text: '我家住在一楼，晚上楼道里黑漆漆的，老人上下楼很不方便。'
			}),
			201
		);
		expectStatus(
			await wang.post(`/api/v1/items/${item.id}/comments`, {
				text: '建议安装感应式节能灯，省电又安全。',
				stance: 'support'
			}),
			201
		);
		const search = async (q: string, extra = '') =>
			expectStatus<{
				results: {
					kind: string;
					title: string;
					snippet: string;
					url: string;
					sessionId?: string;
				}[];
			}>(await anonymous.get(`/api/v1/search?q=${encodeURIComponent(q)}${extra}`), 200).results;

		// Nothing of an open session is public.
		expect(await search('楼道')).toEqual([]);
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${sid}/close`, {}), 200);

		// A word inside a sentence, and two-character words.
		const dark = await search('黑漆漆');
		expect(dark.map((r) => r.kind)).toEqual(['statement']);
		expect(dark[0]!.snippet).toContain('黑漆漆');
		expect(dark[0]!.sessionId).toBe(sid);
		const lamp = await search('节能');
		expect(lamp.map((r) => r.kind)).toEqual(['comment']);
		expect(lamp[0]!.snippet).toContain('节能');
		// Ranked: the item with 楼道 in its title comes before a statement that mentions it once.
		const hall = await search('楼道');
		expect(hall[0]).toMatchObject({ kind: 'item', title: '楼道照明改造' });
		expect(hall.map((r) => r.kind)).toContain('statement');
		expect(hall.every((r) => r.snippet.includes('楼道'))).toBe(true);
		// Filters.
		expect((await search('楼道', '&kind=statement')).map((r) => r.kind)).toEqual(['statement']);
		expect(await search('楼道', '&communityId=nowhere')).toEqual([]);
		expectStatus(await anonymous.get('/api/v1/search?q=%E6%A5%BC&kind=nonsense'), 400);
		expectStatus(await anonymous.get('/api/v1/search?q='), 400);
	});
});
