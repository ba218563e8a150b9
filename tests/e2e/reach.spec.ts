/**
 * Reach: 长辈版 (cookie, server-rendered `data-large`, sizes), reading the proposal without the
 * editor's code (from the network log), read-aloud present, and the public way in (`/` →
 * `/c/<id>` → archive, notices, board, projects).
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { createSessionWithInvites, startServer, type ServerHandle } from '../integration/harness';
import { joinOnPhone, openEditor, PHONE_360, WECHAT_UA } from './phones';

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.dispose();
});

const PHONE = {
	...PHONE_360,
	userAgent: WECHAT_UA
};

/** What the editor's code looks like inside a script: ProseMirror's class names, Tiptap's name. */
const EDITOR_CODE = /ProseMirror-|@tiptap|tiptap/;
/** A warning yjs.mjs carries at its top level, so in whichever chunk holds Yjs. */
const YJS_CODE = /Yjs was already imported/;

/** Every script the page downloads, with whether its body carries editor code or Yjs. */
function watchScripts(page: Page) {
	const scripts: { url: string; editor: boolean; yjs: boolean }[] = [];
	page.on('response', async (response) => {
		if (response.request().resourceType() !== 'script') return;
		const body = await response.text().catch(() => '');
		scripts.push({ url: response.url(), editor: EDITOR_CODE.test(body), yjs: YJS_CODE.test(body) });
	});
	return scripts;
}

/** Targets smaller than `min` px on either side (a check box or radio counts with its label). */
async function smallTargets(page: Page, min: number): Promise<string[]> {
	return page.evaluate((min) => {
		const out: string[] = [];
		const selector =
			'a[href], button, summary, select, textarea, input:not([type="hidden"]):not([type="checkbox"]):not([type="radio"]), label:has(input[type="checkbox"]), label:has(input[type="radio"])';
		for (const el of document.querySelectorAll<HTMLElement>(selector)) {
			if (el.closest('.visually-hidden, .skip-link, [hidden], details:not([open]) > :not(summary)'))
				continue;
			const r = el.getBoundingClientRect();
			if (r.width === 0 || r.height === 0) continue;
			const style = getComputedStyle(el);
			if (style.visibility === 'hidden' || style.display === 'none') continue;
			if (r.width + 0.5 < min || r.height + 0.5 < min)
				out.push(
					`${el.tagName.toLowerCase()} "${(el.textContent ?? '').trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`
				);
		}
		return out;
	}, min);
}

async function newRoom(browser: Browser) {
	const fixture = await createSessionWithInvites(server, {
		roles: ['resident', 'observer'],
		maxUses: 10,
		title: '加装电梯议事会',
		items: [{ title: '电梯方案' }]
	});
	const url = (role: string) => server.publicUrl(`/join/${fixture.invites[role]!.token}`);
	return { ...fixture, url, browser };
}

test('participants read the proposal live without downloading the editor; 编辑 loads it', async ({
	browser
}) => {
	const room = await newRoom(browser);

	// 甲 writes: her phone downloads the editor when she taps 编辑.
	const a = await joinOnPhone(browser, room.url('resident'), '甲', PHONE);
	await openEditor(a);
	await a.locator('.proposal-text').click();
	await a.keyboard.type('第一条：电梯装在北侧');

	// 乙 (resident) and 丙 (observer) read it: first from the server's HTML, then live.
	const readers: Page[] = [];
	const logs: ReturnType<typeof watchScripts>[] = [];
	for (const [role, name] of [
		['resident', '乙'],
		['observer', '丙']
	] as const) {
		const context = await browser.newContext(PHONE);
		const page = await context.newPage();
		logs.push(watchScripts(page));
		await page.goto(room.url(role));
		await page.getByLabel('您的称呼').fill(name);
		await page.getByRole('button', { name: '加入' }).click();
		await expect(page).toHaveURL(/\/s\/[a-z0-9]+$/);
		// The room's HTML already carries the text: readable before any script runs.
		const html = await page.request.get(page.url());
		expect(await html.text()).toContain('第一条：电梯装在北侧');
		await expect(page.getByTestId('proposal-reader')).toContainText('第一条：电梯装在北侧');
		readers.push(page);
	}
	await a.keyboard.type('，费用按楼层分摊');
	for (const page of readers) {
		await expect(page.getByTestId('proposal-reader')).toContainText('费用按楼层分摊');
		await expect(page.getByRole('button', { name: '朗读' }).first()).toBeVisible();
	}
	await expect(readers[1]!.getByRole('button', { name: '编辑', exact: true })).toHaveCount(0);

	// The projector shows the proposal large while nobody speaks and no vote runs, live.
	const projector = await readers[1]!.context().newPage();
	await projector.setViewportSize({ width: 1280, height: 720 });
	await projector.goto(server.publicUrl(`/s/${room.session.id}/projector`));
	await expect(projector.getByTestId('proposal-reader')).toContainText('费用按楼层分摊');
	await a.keyboard.type('。投影上也看得到');
	await expect(projector.getByTestId('proposal-reader')).toContainText('投影上也看得到');
	await projector.getByRole('button', { name: '发言与表决' }).click();
	await expect(projector.getByTestId('proposal-reader')).toHaveCount(0);
	await projector.close();
	for (const log of logs) {
		expect(log.length).toBeGreaterThan(0);
		expect(log.filter((s) => s.editor).map((s) => s.url)).toEqual([]);
	}

	// The check can fail: 乙 taps 编辑 and the editor's code arrives.
	await openEditor(readers[0]!);
	await expect.poll(() => logs[0]!.some((s) => s.editor)).toBe(true);
	await expect(readers[0]!.locator('.proposal-text')).toContainText('费用按楼层分摊');
});

test('a reader downloads Yjs only once the proposal changes after the page was rendered', async ({
	browser
}) => {
	const room = await newRoom(browser);
	const a = await joinOnPhone(browser, room.url('resident'), '甲', PHONE);
	await openEditor(a);
	await a.locator('.proposal-text').click();
	await a.keyboard.type('第一条：电梯装在北侧');

	// 乙 opens the room once 甲 has stopped typing: the text comes with the page, and the room
	// learns from the server that it is current without downloading Yjs.
	const context = await browser.newContext(PHONE);
	const page = await context.newPage();
	const log = watchScripts(page);
	await page.goto(room.url('resident'));
	await page.getByLabel('您的称呼').fill('乙');
	await page.getByRole('button', { name: '加入' }).click();
	await expect(page.getByTestId('proposal-reader')).toContainText('第一条：电梯装在北侧');
	await expect(page.getByRole('status').filter({ hasText: '连接状态' })).toContainText('已连接');
	await page.waitForLoadState('networkidle');
	expect(log.length).toBeGreaterThan(0);
	expect(log.filter((s) => s.yjs || s.editor).map((s) => s.url)).toEqual([]);

	// 甲 writes on: 乙's room fetches the live reader and shows the change.
	await a.keyboard.type('，费用按楼层分摊');
	await expect(page.getByTestId('proposal-reader')).toContainText('费用按楼层分摊');
	expect(log.some((s) => s.yjs)).toBe(true);
	expect(log.filter((s) => s.editor).map((s) => s.url)).toEqual([]);
	// From then on the live reader follows every change, deletions too.
	await a.keyboard.press('Backspace');
	await a.keyboard.press('Backspace');
	await expect(page.getByTestId('proposal-reader')).not.toContainText('费用按楼层分摊');
	await context.close();
});

test('长辈版: the switch sets the cookie, the server renders data-large, text and targets are large', async ({
	browser
}) => {
	const context = await browser.newContext(PHONE);
	const page = await context.newPage();
	await page.goto(server.publicUrl('/'));
	await expect(page.locator('html')).not.toHaveAttribute('data-large');
	expect(await smallTargets(page, 44)).toEqual([]);

	await page.getByRole('button', { name: '长辈版' }).click();
	await expect(page.locator('html')).toHaveAttribute('data-large', '1');
	const cookies = await context.cookies();
	expect(cookies.find((c) => c.name === 'yishi_large')?.value).toBe('1');

	// A new load is large from the server's first byte: no flash.
	const response = await page.reload();
	expect(await response!.text()).toMatch(/<html[^>]*data-large="1"/);
	const bodySize = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
	expect(bodySize).toBeGreaterThanOrEqual(24);
	const h1Size = await page.evaluate(() =>
		parseFloat(getComputedStyle(document.querySelector('h1')!).fontSize)
	);
	expect(h1Size).toBeGreaterThan(bodySize);
	expect(await smallTargets(page, 60)).toEqual([]);
	await expect(page.getByRole('button', { name: '长辈版' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);

	// The room in 长辈版: proposal first, the rest behind 更多, targets still 60 px.
	const room = await newRoom(browser);
	await page.goto(room.url('resident'));
	await page.getByLabel('您的称呼').fill('王阿姨');
	await page.getByRole('button', { name: '加入' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已连接' }).first()).toBeVisible();
	await expect(page.getByTestId('proposal-reader')).toBeVisible();
	await expect(page.locator('summary', { hasText: '更多' })).toBeVisible();
	expect(await smallTargets(page, 60)).toEqual([]);

	// Off again: the cookie goes and the next load is normal.
	await page.getByRole('button', { name: '长辈版' }).click();
	await expect(page.locator('html')).not.toHaveAttribute('data-large');
	const again = await page.reload();
	expect(await again!.text()).not.toMatch(/<html[^>]*data-large/);
	await context.close();
});

test('the home page links every community; its page links archive, notices, board and projects', async ({
	browser
}) => {
	const page = await (await browser.newContext(PHONE)).newPage();
	await page.goto(server.publicUrl('/'));
	const link = page.locator('a[href="/c/default-community"]');
	await expect(link).toBeVisible();
	await link.click();
	await expect(page).toHaveURL(/\/c\/default-community$/);
	for (const href of ['/archive/default-community', '#notices', '#board', '#projects']) {
		await expect(page.locator(`a[href="${href}"]`).first()).toBeVisible();
	}
	await expect(page.getByRole('search')).toBeVisible();
});
