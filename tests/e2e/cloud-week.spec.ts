/**
 * A cloud negotiation over a simulated week, in two phones, on the production build
 * with the test clock (YISHI_TEST_CLOCK=1: `POST /api/v1/test/clock` moves the server clock and
 * runs what fell due before answering — nothing here sleeps):
 * - day 0: the moderator opens a week-long cloud session with a draft proposal and a vote due on
 *   day 5; 王阿姨 selects a passage and comments with a concern;
 * - day 1: 李师傅 sees the highlight and the thread and edits around the passage; the highlight
 *   keeps covering exactly that passage in both browsers, as the API's quote says;
 * - day 2: he replies, and she is notified; she resolves the thread and it folds away;
 * - both vote; day 5: the vote closes by itself, the result is recorded (actor `system`) and both
 *   phones show it, the feed tells them;
 * - day 7: the session closes by itself and its comments become public.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import * as Y from 'yjs';
import type { CommentView } from '../../src/lib/protocol';
import {
	ApiClient,
	adminClient,
	expectStatus,
	startServer,
	tokenOf,
	whenSynced,
	yjsProvider,
	type ServerHandle,
	type SessionView
} from '../integration/harness';
import { openEditor, PHONE_360 as PHONE } from './phones';

const PASSAGE = '每户限一个车位';
const QUESTION = '是否同意停车位改造方案';
const DAY = 24 * 3600;

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer({ env: { YISHI_TEST_CLOCK: '1' } });
});
test.afterAll(async () => {
	await server?.dispose();
});

async function phone(browser: Browser, joinUrl: string, name: string): Promise<Page> {
	const context = await browser.newContext(PHONE);
	const page = await context.newPage();
	await page.goto(joinUrl);
	await page.getByLabel('您的称呼').fill(name);
	await page.getByRole('button', { name: '加入' }).click();
	await expect(page).toHaveURL(/\/s\/[a-z0-9]+$/);
	await expect(page.getByRole('status').filter({ hasText: '已连接' }).first()).toBeVisible();
	await openEditor(page);
	await expect(page.locator('.proposal-text')).toContainText(PASSAGE);
	return page;
}

/** Puts the DOM selection over `needle` (or collapsed at its start/end) inside the editor. */
async function select(page: Page, needle: string, mode: 'over' | 'before' | 'after') {
	await page.locator('.proposal-text').focus();
	const done = await page.evaluate(
		([text, how]) => {
			const root = document.querySelector('.proposal-text')!;
			const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
			for (let n = walker.nextNode() as Text | null; n; n = walker.nextNode() as Text | null) {
				const i = n.data.indexOf(text!);
				if (i < 0) continue;
				const range = document.createRange();
				const start = how === 'after' ? i + text!.length : i;
				const end = how === 'before' ? i : i + text!.length;
				range.setStart(n, start);
				range.setEnd(n, end);
				const selection = getSelection()!;
				selection.removeAllRanges();
				selection.addRange(range);
				return true;
			}
			return false;
		},
		[needle, mode]
	);
	expect(done, `"${needle}" in the editor`).toBe(true);
}

/** The text each highlighted thread covers, joined across the spans it is drawn in. */
async function highlighted(page: Page): Promise<string[]> {
	return page.evaluate(() => {
		const byId = new Map<string, string>();
		for (const el of document.querySelectorAll<HTMLElement>('.proposal-text .comment-mark')) {
			const id = el.dataset.commentId!;
			byId.set(id, (byId.get(id) ?? '') + el.textContent);
		}
		return [...byId.values()];
	});
}

async function serverNow(client: ApiClient): Promise<number> {
	const { now } = expectStatus<{ now: string }>(await client.get('/api/v1/test/clock'), 200);
	return Date.parse(now);
}

/** Moves the server clock; deadlines that fall due run before this returns. */
async function advanceClock(client: ApiClient, seconds: number) {
	expectStatus(await client.post('/api/v1/test/clock', { advanceSeconds: seconds }), 200);
}

/** The unread count the room's 通知 link shows (0 when it shows none). */
async function unread(page: Page): Promise<number> {
	const badge = page.locator('.notice-link .badge').first();
	if ((await badge.count()) === 0) return 0;
	const label = (await badge.getAttribute('aria-label')) ?? '';
	return Number(/(\d+) 条未读/.exec(label)?.[1] ?? 0);
}

test('a week-long cloud session: anchored comments survive edits, the vote closes on its deadline, everyone is told', async ({
	browser
}) => {
	const admin = await adminClient(server);
	const start = await serverNow(admin);
	const session = expectStatus<SessionView>(
		await admin.post('/api/v1/sessions', {
			title: '阳光小区停车议事会',
			kind: 'cloud',
			items: [{ title: '停车位改造' }],
			closesAt: new Date(start + 7 * DAY * 1000).toISOString()
		}),
		201
	);
	const invite = expectStatus<{ url: string }>(
		await admin.post(`/api/v1/sessions/${session.id}/invites`, { role: 'resident', maxUses: 5 }),
		201
	);
	const item = session.items[0] as unknown as { id: string; docName: string };

	// The moderator wrote the draft beforehand (as y-prosemirror stores it).
	const draft = new Y.Doc();
	const writer = yjsProvider(server, admin, item.docName, draft);
	await whenSynced(writer);
	const paragraphs = ['第一条：小区停车位重新划线。', `第二条：${PASSAGE}，外来车辆收费。`].map(
		(text) => {
			const p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText(text)]);
			return p;
		}
	);
	draft.getXmlFragment('prosemirror').insert(0, paragraphs);

	// A vote on the item, due on day 5.
	const voteId = expectStatus<{ id: string }>(
		await admin.post(`/api/v1/items/${item.id}/votes`, {
			question: QUESTION,
			kind: 'yes_no_abstain',
			secret: false,
			tally: 'live',
			eligibility: 'participants',
			rule: { kind: 'majority_cast' },
			closesAt: new Date(start + 5 * DAY * 1000).toISOString()
		}),
		201
	).id;

	const joinUrl = server.publicUrl(`/join/${tokenOf(invite.url)}`);
	const a = await phone(browser, joinUrl, '王阿姨');
	const b = await phone(browser, joinUrl, '李师傅');
	writer.destroy();
	expectStatus(await admin.post(`/api/v1/votes/${voteId}/open`), 200);
	await expect(a.getByRole('heading', { name: '待投票 1 项' })).toBeVisible();

	// Day 0: 王阿姨 selects the passage and comments with a concern.
	await select(a, PASSAGE, 'over');
	await a.getByRole('button', { name: '评论这段' }).click();
	const form = a.getByRole('form', { name: '评论内容' });
	await expect(form).toBeVisible();
	await expect(a.locator('.compose blockquote')).toHaveText(PASSAGE);
	await form.locator('label.chip-concern').click();
	await form.getByLabel('评论内容').fill('家里有两辆车的老人怎么办？');
	await form.getByRole('button', { name: '发表评论' }).click();
	await expect(
		a.locator('.thread').filter({ hasText: '家里有两辆车的老人怎么办？' })
	).toBeVisible();

	// 李师傅 sees the highlight and the thread.
	const threadB = b.locator('.thread').filter({ hasText: '家里有两辆车的老人怎么办？' });
	await expect(threadB).toBeVisible();
	await expect(threadB.locator('blockquote')).toHaveText(PASSAGE);
	await expect(threadB.getByText('担忧')).toBeVisible();
	await expect(threadB.getByText('王阿姨')).toBeVisible();
	await expect.poll(() => highlighted(b)).toEqual([PASSAGE]);

	// Day 1: he types right before the passage and at the end of its paragraph.
	await advanceClock(admin, DAY);
	await select(b, PASSAGE, 'before');
	await b.keyboard.type('原则上');
	await select(b, '收费。', 'after');
	await b.keyboard.type('（试行一年）');
	const full = `第二条：原则上${PASSAGE}，外来车辆收费。（试行一年）`;
	for (const page of [a, b]) {
		await expect(page.locator('.proposal-text')).toContainText(full);
		await expect.poll(() => highlighted(page)).toEqual([PASSAGE]);
	}
	await expect
		.poll(async () => {
			const res = await a.request.get(server.publicUrl(`/api/v1/items/${item.id}/comments`));
			return ((await res.json()) as CommentView[])[0]?.quote;
		})
		.toBe(PASSAGE);

	// Tapping the highlight shows its thread.
	await b.locator('.proposal-text .comment-mark').first().click();
	await expect(threadB).toHaveClass(/focused/);

	// Day 2: 李师傅 replies; 王阿姨 is told in her room.
	await advanceClock(admin, DAY);
	const before = await unread(a);
	await threadB.getByRole('button', { name: '回复' }).click();
	const replyForm = threadB.getByRole('form', { name: '回复内容' });
	await replyForm.locator('label.chip-question').click();
	await replyForm.getByLabel('回复内容').fill('可以申请临时车位吗？');
	await replyForm.getByRole('button', { name: '发送回复' }).click();
	const threadA = a.locator('.thread').filter({ hasText: '家里有两辆车的老人怎么办？' });
	await expect(threadA.getByText('可以申请临时车位吗？')).toBeVisible();
	await expect.poll(() => unread(a)).toBeGreaterThan(before);
	// Only the author (or the moderator) may resolve: 李师傅 has no button.
	await expect(threadB.getByRole('button', { name: '标记已解决' })).toHaveCount(0);

	// 王阿姨 resolves it: it folds away in both browsers, and the highlight goes.
	await threadA.getByRole('button', { name: '标记已解决' }).click();
	for (const page of [a, b]) {
		await expect(page.getByText('已解决 1 条')).toBeVisible();
		await expect(
			page.locator('.threads').first().locator('.thread', { hasText: '家里有两辆车' })
		).toHaveCount(0);
		await expect.poll(() => highlighted(page)).toEqual([]);
	}
	await b.getByText('已解决 1 条').click();
	await expect(b.locator('details.resolved .thread')).toContainText('可以申请临时车位吗？');

	// Both vote; on day 5 the vote closes by itself with its result recorded.
	for (const page of [a, b]) {
		const card = page.getByRole('article', { name: QUESTION });
		await card.getByRole('radio', { name: '同意' }).check();
		await card.getByRole('button', { name: '提交' }).click();
		await expect(card.getByText('已投票：同意')).toBeVisible();
	}
	await advanceClock(admin, 3 * DAY + 60);
	for (const page of [a, b]) {
		const outcome = page.getByRole('region', { name: '表决结果' }).first();
		await expect(outcome).toContainText('通过');
		await expect(outcome).not.toContainText('未通过');
	}
	const vote = expectStatus<{ status: string; result: { passed: boolean } }>(
		await admin.get(`/api/v1/votes/${voteId}`),
		200
	);
	expect(vote).toMatchObject({ status: 'closed', result: { passed: true } });
	type Entry = { type: string; actor: { id: string }; data: Record<string, unknown> };
	const transcript = async () =>
		expectStatus<{ entries: Entry[] }>(
			await admin.get(`/api/v1/sessions/${session.id}/transcript`),
			200
		).entries;
	const closedEntry = (await transcript()).find(
		(e) => e.type === 'vote_closed' && e.data.voteId === voteId
	);
	expect(closedEntry?.actor.id).toBe('system');
	expect((await transcript()).map((e) => e.type)).toEqual(
		expect.arrayContaining(['comment_added', 'comment_resolved', 'vote_opened', 'vote_closed'])
	);

	// The feed has the reply and the result.
	await a.goto(server.publicUrl('/notifications'));
	await expect(a.getByRole('heading', { name: '通知', level: 1 })).toBeVisible();
	const feed = a.getByRole('listitem');
	await expect(feed.filter({ hasText: '李师傅回复了你' })).toBeVisible();
	await expect(feed.filter({ hasText: `「${QUESTION}」表决已结束：通过` })).toBeVisible();

	// Day 7: the session closes by itself; its comments are public.
	await advanceClock(admin, 2 * DAY);
	const closed = expectStatus<{ status: string }>(
		await admin.get(`/api/v1/sessions/${session.id}`),
		200
	);
	expect(closed.status).toBe('closed');
	const anonymous = await browser.newContext();
	const res = await anonymous.request.get(server.publicUrl(`/api/v1/items/${item.id}/comments`));
	expect(res.status()).toBe(200);
	const publicComments = (await res.json()) as CommentView[];
	expect(publicComments.find((c) => !c.replyTo)).toMatchObject({
		quote: PASSAGE,
		stance: 'concern',
		resolved: true
	});
	await anonymous.close();
	await a.context().close();
	await b.context().close();
});
