/** What the e2e specs share: joining a session from an invite link on a fresh phone. */
import { expect, type Browser, type BrowserContextOptions, type Page } from '@playwright/test';

/** The phone the specs hold: 360 px wide (the narrowest common Android), touch, zh-CN. */
export const PHONE_360 = {
	viewport: { width: 360, height: 740 },
	isMobile: true,
	hasTouch: true,
	locale: 'zh-CN'
} satisfies BrowserContextOptions;

/** WeChat's in-app browser on Android (XWeb), as residents open links from a group chat. */
export const WECHAT_UA =
	'Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

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

/** Resolves once the page has hydrated (the root layout marks `<html data-hydrated>`). */
export async function hydrated(page: Page): Promise<void> {
	await page.locator('html[data-hydrated]').waitFor({ state: 'attached' });
}
