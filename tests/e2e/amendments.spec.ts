/**
 * Amendments (修改建议) end to end: the moderator puts the item into the amending phase, so the
 * proposal is read-only on every phone; phone A picks a passage, taps 建议修改这段, writes the
 * replacement with a reason and sees the change previewed; phone B supports it; the moderator
 * puts it to a vote from the room; both phones vote yes; the moderator closes the vote in the
 * console; the server merges the amendment, and both phones read the new text and see 已采纳.
 *
 * LABELS USED (zh-CN):
 *   /s/<id>          button 编辑 / 建议修改 above the proposal, 建议修改这段 on a selection,
 *                    field 改为, 理由（可不填）, 修改对照 preview, button 提交修改建议,
 *                    region 修改建议 with 待议 / 已采纳, 支持 / 已支持, "N 人支持", 付诸表决,
 *                    开始表决; vote card article named by the question, radio 同意, button 提交
 *   /s/<id>/console  button 结束表决：<question>, 确认结束表决
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
	adminClient,
	ADMIN_PASSWORD,
	ADMIN_USER,
	expectStatus,
	startServer,
	tokenOf,
	type ServerHandle,
	type SessionView
} from '../integration/harness';
import { joinOnPhone, openEditor, PHONE_360 as PHONE } from './phones';

const BEFORE = '楼道清洁费每户每月缴纳三十元，由物业统一收取。';
const AFTER = '楼道清洁费每户每月缴纳二十元，由物业统一收取。';
const QUESTION = '是否采纳修改建议：二十元';

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.dispose();
});

const phone = (browser: Browser, joinUrl: string, name: string): Promise<Page> =>
	joinOnPhone(browser, joinUrl, name, PHONE);

/** Selects `words` inside the proposal as a finger would (a DOM selection the editor reads). */
async function selectInProposal(page: Page, words: string) {
	await page.locator('.proposal-text').evaluate((root, wanted) => {
		const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
		for (let node = walker.nextNode(); node; node = walker.nextNode()) {
			const at = node.textContent?.indexOf(wanted) ?? -1;
			if (at < 0) continue;
			const range = document.createRange();
			range.setStart(node, at);
			range.setEnd(node, at + wanted.length);
			const selection = window.getSelection();
			selection?.removeAllRanges();
			selection?.addRange(range);
			return;
		}
		throw new Error(`"${wanted}" is not in the proposal`);
	}, words);
}

test('an amendment proposed on one phone is voted and merged into the text every phone sees', async ({
	browser
}) => {
	test.setTimeout(180_000);
	const admin = await adminClient(server);
	const session = expectStatus<SessionView>(
		await admin.post('/api/v1/sessions', {
			title: '楼道管理议事会',
			kind: 'live',
			items: [{ title: '楼道清洁费' }]
		}),
		201
	);
	const itemId = session.items[0]!.id;
	const invite = expectStatus<{ url: string }>(
		await admin.post(`/api/v1/sessions/${session.id}/invites`, { role: 'resident', maxUses: 5 }),
		201
	);
	const joinUrl = server.publicUrl(`/join/${tokenOf(invite.url)}`);
	const a = await phone(browser, joinUrl, '王阿姨');
	const b = await phone(browser, joinUrl, '李师傅');

	await test.step('while drafting, phone A writes the proposal', async () => {
		await openEditor(a);
		await a.locator('.proposal-text').click();
		await a.keyboard.type(BEFORE);
		await expect(b.getByTestId('proposal-reader')).toContainText(BEFORE);
	});

	await test.step('the moderator starts the amending phase: the text is read-only', async () => {
		expectStatus(await admin.post(`/api/v1/items/${itemId}/phase`, { phase: 'amending' }), 200);
		for (const p of [a, b]) {
			await expect(p.getByText('修改建议阶段：方案只读，修改请提建议').first()).toBeVisible();
		}
		await expect(a.locator('.proposal-text')).toHaveAttribute('aria-readonly', 'true');
		await expect(a.locator('.proposal-text')).toHaveAttribute('contenteditable', 'false');
		await expect(a.getByRole('button', { name: '收起', exact: true })).toBeVisible();
	});

	await test.step('phone A picks a passage and proposes a change with a reason', async () => {
		await selectInProposal(a, '三十元');
		await a.getByRole('button', { name: '建议修改这段' }).click();
		const text = a.getByLabel('改为');
		await expect(text).toHaveValue('三十元');
		await expect(text).toBeFocused();
		await text.fill('二十元');
		const preview = a.locator('.compose .preview');
		await expect(preview.locator('del')).toHaveText('删去：三');
		await expect(preview.locator('ins')).toHaveText('加入：二');
		await a.getByLabel('理由（可不填）').fill('清洁改为每周两次，费用相应减少');
		await a.getByRole('button', { name: '提交修改建议' }).click();
		await expect(a.getByRole('status').filter({ hasText: '修改建议已提交' })).toBeVisible();
	});

	const amendmentOn = (p: Page) => p.locator('li.amendment').filter({ hasText: '王阿姨 提出' });

	await test.step('phone B sees it live and supports it, once', async () => {
		const card = amendmentOn(b);
		await expect(card).toContainText('待议');
		await expect(card).toContainText('清洁改为每周两次，费用相应减少');
		await expect(card.locator('del')).toHaveText('删去：三');
		await expect(card.locator('ins')).toHaveText('加入：二');
		await card.getByRole('button', { name: '支持', exact: true }).click();
		await expect(card.getByRole('button', { name: '已支持' })).toBeDisabled();
		await expect(card).toContainText('1 人支持');
		await expect(amendmentOn(a)).toContainText('1 人支持');
	});

	// The moderator's laptop: the room for the amendment, the console for the vote.
	const laptop = await browser.newContext({
		viewport: { width: 1280, height: 900 },
		locale: 'zh-CN'
	});
	const room = await laptop.newPage();
	await room.goto(server.publicUrl('/login'));
	await room.getByLabel('用户名').fill(ADMIN_USER);
	await room.getByLabel('密码').fill(ADMIN_PASSWORD);
	await room.getByRole('button', { name: '登录' }).click();
	await room.waitForURL((url) => !url.pathname.startsWith('/login'));

	await test.step('the moderator puts the amendment to a vote', async () => {
		await room.goto(server.publicUrl(`/s/${session.id}`));
		const card = amendmentOn(room);
		await expect(card).toContainText('1 人支持');
		await card.getByRole('button', { name: '付诸表决' }).click();
		await card.getByRole('button', { name: '开始表决' }).click();
		await expect(card).toContainText('表决中');
	});

	await test.step('both phones vote yes', async () => {
		for (const p of [a, b]) {
			const ballot = p.getByRole('article', { name: QUESTION });
			await ballot.getByRole('radio', { name: '同意' }).check();
			await ballot.getByRole('button', { name: '提交' }).click();
			await expect(ballot.getByText('已投票：同意')).toBeVisible();
		}
	});

	await test.step('the moderator closes the vote; the text is merged on every phone', async () => {
		const console = await laptop.newPage();
		await console.goto(server.publicUrl(`/s/${session.id}/console`));
		await console.getByRole('button', { name: `结束表决：${QUESTION}` }).click();
		await console.getByRole('button', { name: '确认结束表决' }).click();

		await expect(a.locator('.proposal-text')).toContainText(AFTER);
		await expect(b.getByTestId('proposal-reader')).toContainText(AFTER);
		await expect(b.getByTestId('proposal-reader')).not.toContainText('三十元');
		for (const p of [a, b, room]) {
			await expect(amendmentOn(p).locator('.status')).toHaveText('已采纳');
		}
	});

	await laptop.close();
});
