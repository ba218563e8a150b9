/** What the e2e specs share: joining a session from an invite link on a fresh phone. */
import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';

/**
 * Opens the invite link in a new browser context (`device`: the spec's phone), gives the name,
 * and answers the room page once it says it is connected.
 */
export async function joinOnPhone(
	browser: Browser,
	joinUrl: string,
	name: string,
	device: BrowserContextOptions
): Promise<Page> {
	const page = await (await browser.newContext(device)).newPage();
	await page.goto(joinUrl);
	await page.getByLabel('您的称呼').fill(name);
	await page.getByRole('button', { name: '加入' }).click();
	await expect(page).toHaveURL(/\/s\/[a-z0-9]+$/);
	await expect(page.getByRole('status').filter({ hasText: '已连接' }).first()).toBeVisible();
	return page;
}

/**
 * Taps 编辑 above the proposal: the room reads it without the editor until then (the editor's
 * code is downloaded on this tap), and answers once the editor shows.
 */
export async function openEditor(page: Page): Promise<void> {
	await page.getByRole('button', { name: '编辑', exact: true }).click();
	await expect(page.locator('.proposal-text')).toBeVisible();
}
