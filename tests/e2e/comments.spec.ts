/**
 * Comments anchored to the proposal (issue 6) in two phones: 王阿姨 selects a passage and
 * comments with a concern; 李师傅 sees the highlight and the thread, edits around the passage,
 * and the highlight keeps covering exactly that passage in both browsers, as the API's quote
 * says; a reply, then the author resolves the thread and it folds away.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import * as Y from 'yjs';
import type { CommentView } from '../../src/lib/protocol';
import {
	adminClient,
	expectStatus,
	startServer,
	tokenOf,
	whenSynced,
	yjsProvider,
	type ServerHandle,
	type SessionView
} from '../integration/harness';

const PHONE = {
	viewport: { width: 360, height: 740 },
	isMobile: true,
	hasTouch: true,
	locale: 'zh-CN'
};
const PASSAGE = '每户限一个车位';

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer();
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

test('a passage comment follows the text in two browsers, gets a reply and is resolved', async ({
	browser
}) => {
	const admin = await adminClient(server);
	const session = expectStatus<SessionView>(
		await admin.post('/api/v1/sessions', {
			title: '阳光小区停车议事会',
			kind: 'cloud',
			items: [{ title: '停车位改造' }]
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

	const joinUrl = server.publicUrl(`/join/${tokenOf(invite.url)}`);
	const a = await phone(browser, joinUrl, '王阿姨');
	const b = await phone(browser, joinUrl, '李师傅');
	writer.destroy();

	// 王阿姨 selects the passage and comments with a concern.
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

	// He types right before the passage and at the end of its paragraph.
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

	// 李师傅 replies.
	await threadB.getByRole('button', { name: '回复' }).click();
	const replyForm = threadB.getByRole('form', { name: '回复内容' });
	await replyForm.locator('label.chip-question').click();
	await replyForm.getByLabel('回复内容').fill('可以申请临时车位吗？');
	await replyForm.getByRole('button', { name: '发送回复' }).click();
	const threadA = a.locator('.thread').filter({ hasText: '家里有两辆车的老人怎么办？' });
	await expect(threadA.getByText('可以申请临时车位吗？')).toBeVisible();
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
});
