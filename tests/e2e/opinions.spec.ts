/**
 * The raise-hands cycle in browsers (REFERENCE.md §6): a moderator creates a community link;
 * resident A joins on a 360 px phone and posts an opinion with a photo; residents B and C raise
 * their hands (the community's threshold lowered to 3 through the API); the moderator turns it
 * into a project, records a milestone and opens the public notice; residents rate; a fresh
 * browser with no cookie sees the whole path on /projects/<id>.
 *
 * LABELS USED (zh-CN):
 *   /c/<id>/links     select 加入后的身份, button 生成二维码, img 社区加入二维码
 *   /join/<token>     您的称呼, button 加入
 *   /c/<id>           标题, 具体情况, 照片（可选，最大 3 MB）, button 提交意见; cards (test id
 *                     "opinion") with 举手支持, "N 人举手", 待回复, 还差 N 人举手, button 立项,
 *                     link 查看项目进展
 *   /projects/<id>    新进展 + 落实状态 + 记录进展, 公示天数（1–30） + 开始公示, radio "N 星" + 提交评价
 *   /outcomes/<id>    the same forms for a decided item; link 查看落实与评价 on the archive page
 */
import { randomBytes } from 'node:crypto';
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
	adminClient,
	expectStatus,
	startServer,
	userClient,
	type ServerHandle
} from '../integration/harness';
import { hydrated, PHONE_360 } from './phones';

const PHONE = {
	...PHONE_360,
	deviceScaleFactor: 2,
	timezoneId: 'Asia/Shanghai'
};

const COMMUNITY = 'default-community';
// A real 1×1 PNG, so the preview renders.
const PIXEL = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
	'base64'
);

function watchErrors(page: Page, label: string, into: string[]) {
	page.on('pageerror', (error) => into.push(`${label}: uncaught ${error.message}`));
	page.on('console', (msg) => {
		if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
			into.push(`${label}: ${msg.text()}`);
		}
	});
}

async function phone(browser: Browser, label: string, errors: string[]) {
	const context = await browser.newContext(PHONE);
	const page = await context.newPage();
	watchErrors(page, label, errors);
	return page;
}

async function joinAsResident(page: Page, url: string, name: string, origin: string) {
	await page.goto(url);
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await page.getByLabel('您的称呼').fill(name);
	await page.getByRole('button', { name: '加入' }).click();
	await expect(page).toHaveURL(`${origin}/c/${COMMUNITY}`);
	await expect(page.getByText(`您已加入，称呼：${name}`)).toBeVisible();
}

const card = (page: Page, title: string) => page.getByTestId('opinion').filter({ hasText: title });

test.describe('raise-hands cycle', () => {
	let server: ServerHandle;
	test.beforeAll(async () => {
		server = await startServer({});
	});
	test.afterAll(async () => {
		await server?.dispose();
	});

	test('link → opinion → hands → project → milestone → notice → ratings, public at the end', async ({
		browser
	}) => {
		const errors: string[] = [];
		const origin = server.origin;
		const admin = await adminClient(server);
		const suffix = randomBytes(3).toString('hex');
		const moderator = await userClient(server, admin, 'moderator', `juwei-${suffix}`);
		// Keep it short: three hands make a project here.
		expectStatus(
			await admin.request('PATCH', `/api/v1/communities/${COMMUNITY}`, {
				json: { opinionHandThreshold: 3 }
			}),
			200,
			'lower threshold'
		);

		// --- The moderator creates a community link ------------------------------------------
		const modContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
		const mod = await modContext.newPage();
		watchErrors(mod, 'moderator', errors);
		await mod.goto(`${origin}/login?next=${encodeURIComponent(`/c/${COMMUNITY}/links`)}`);
		await mod.getByLabel('用户名').fill(moderator.user.username);
		await mod.getByLabel('密码').fill(moderator.password);
		await mod.getByRole('button', { name: '登录' }).click();
		await expect(mod).toHaveURL(`${origin}/c/${COMMUNITY}/links`);
		await mod.getByLabel('加入后的身份').selectOption('resident');
		await mod.getByRole('button', { name: '生成二维码' }).click();
		const linkCard = mod.getByTestId('community-link').first();
		await expect(linkCard).toBeVisible();
		const qr = linkCard.getByRole('img', { name: '社区加入二维码' });
		await expect(qr).toBeVisible();
		// Visible is not loaded: wait for the SVG itself to arrive and decode.
		await expect
			.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
			.toBe(true);
		const url = (await linkCard.locator('.url').textContent())!.trim();
		expect(url).toMatch(new RegExp(`^${origin}/join/`));
		// The printable poster carries the same QR code.
		await linkCard.getByRole('link', { name: '打印海报' }).click();
		await expect(mod.getByRole('heading', { name: /扫码加入/ })).toBeVisible();
		await expect(mod.getByText(url)).toBeVisible();

		// --- Resident A joins on a phone and posts an opinion with a photo -------------------
		const a = await phone(browser, 'A', errors);
		await joinAsResident(a, url, '3号楼王阿姨', origin);
		const title = '想在小区里设自助洗车点';
		// The photo preview and size check run in the page's script: let it load first.
		await a.waitForLoadState('networkidle');
		await a.getByLabel('标题').fill(title);
		await a.getByLabel('具体情况').fill('楼下空地可以利用，方便大家洗车。');
		await a.getByLabel('照片（可选，最大 3 MB）').setInputFiles({
			name: 'site.png',
			mimeType: 'image/png',
			buffer: PIXEL
		});
		await expect(a.getByRole('img', { name: '照片预览' })).toBeVisible();
		await a.getByRole('button', { name: '提交意见' }).click();
		await expect(a.getByText(/已提交，居委会将在/)).toBeVisible();
		const aCard = card(a, title);
		await expect(aCard).toBeVisible();
		await expect(aCard.getByText(/待回复 · 还剩 (4 小时 0 分|3 小时 \d+ 分)/)).toBeVisible();
		await expect(aCard.getByRole('img', { name: '意见附带的照片' })).toBeVisible();
		// Readable on a 360 px phone: nothing wider than the screen.
		expect(await a.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
		await aCard.getByRole('button', { name: '举手支持' }).click();
		await expect(aCard.getByTestId('hands')).toHaveText('1 人举手');

		// The moderator sees how many hands are missing.
		await mod.goto(`${origin}/c/${COMMUNITY}`);
		const modCard = card(mod, title);
		await expect(modCard.getByText('还差 2 人举手（需要 3 人）')).toBeVisible();
		await expect(modCard.getByRole('button', { name: '立项' })).toBeDisabled();
		await modCard.getByLabel('回复这条意见').fill('已收到，居委会下周实地查看选址。');
		await modCard.getByRole('button', { name: '发送回复' }).click();
		await expect(modCard.getByText('已回复')).toBeVisible();

		// A visitor without the QR code is told how to join.
		const visitor = await phone(browser, 'visitor', errors);
		await visitor.goto(`${origin}/c/${COMMUNITY}`);
		await expect(card(visitor, title).getByText('用社区二维码加入后可举手')).toBeVisible();
		await expect(card(visitor, title).getByRole('button', { name: '举手支持' })).toHaveCount(0);

		// --- Residents B and C raise their hands --------------------------------------------
		const raters: Page[] = [a];
		for (const name of ['5号楼老李', '7号楼张叔']) {
			const p = await phone(browser, name, errors);
			await joinAsResident(p, url, name, origin);
			await card(p, title).getByRole('button', { name: '举手支持' }).click();
			await expect(card(p, title).getByRole('button', { name: /已举手/ })).toBeVisible();
			raters.push(p);
		}
		await expect(card(raters[2]!, title).getByTestId('hands')).toHaveText('3 人举手');

		// --- The moderator turns it into a project ------------------------------------------
		await mod.reload();
		await expect(modCard.getByText(/还差/)).toHaveCount(0);
		await modCard.getByRole('button', { name: '立项' }).click();
		await expect(modCard.getByText('已立项')).toBeVisible();
		await modCard.getByRole('link', { name: '查看项目进展' }).click();
		await expect(mod).toHaveURL(new RegExp(`${origin}/projects/[^/]+$`));
		const projectUrl = mod.url();

		await mod.getByLabel('新进展').fill('洗车点选址完成，设备已进场。');
		await mod.getByLabel('落实状态').selectOption('in_progress');
		await mod.getByRole('button', { name: '记录进展' }).click();
		await expect(mod.getByTestId('milestone').filter({ hasText: '设备已进场' })).toBeVisible();
		await expect(mod.getByTestId('project-status')).toHaveText('进行中');
		await mod.getByLabel('公示天数（1–30）').fill('7');
		await mod.getByRole('button', { name: '开始公示' }).click();
		await expect(mod.getByTestId('notice')).toContainText('公示中');

		// --- A enters the project's cloud session without another invite -------------------
		await a.goto(projectUrl);
		await a.getByRole('link', { name: '进入议事' }).click();
		await expect(a).toHaveURL(/\/s\/[^/]+$/);
		await expect(a.getByText(title).first()).toBeVisible();

		// --- Residents rate during the notice -----------------------------------------------
		for (const [i, stars] of [5, 4].entries()) {
			const p = raters[i]!;
			await p.goto(projectUrl);
			await p.getByRole('radio', { name: `${stars} 星` }).check();
			if (i === 0) await p.getByLabel('说说您的看法（可选）').fill('洗车方便多了');
			await p.getByRole('button', { name: '提交评价' }).click();
			await expect(p.getByText(`您已评价：${stars} 星，谢谢！`)).toBeVisible();
		}

		// --- A fresh browser with no cookie sees the whole path -----------------------------
		const fresh = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
		const pub = await fresh.newPage();
		watchErrors(pub, 'public', errors);
		await pub.goto(projectUrl);
		await expect(pub.getByRole('heading', { level: 1 })).toContainText(title);
		await expect(pub.getByText('楼下空地可以利用，方便大家洗车。')).toBeVisible();
		await expect(pub.getByTestId('project-hands')).toContainText('3 位邻居举手支持');
		await expect(pub.getByText('已收到，居委会下周实地查看选址。')).toBeVisible();
		await expect(pub.getByTestId('project-session')).toContainText(title);
		await expect(pub.getByTestId('milestone')).toContainText('洗车点选址完成，设备已进场。');
		await expect(pub.getByTestId('notice')).toContainText('公示中');
		await expect(pub.getByTestId('rating')).toContainText('平均 4.5 星 · 2 人评价');
		await expect(pub.getByText('洗车方便多了')).toBeVisible();
		await expect(pub.getByText('用社区二维码加入后可评价。')).toBeVisible();

		expect(errors).toEqual([]);
	});

	test('a decision is followed like a project: progress, public notice and a neighbour’s rating', async ({
		browser
	}) => {
		const errors: string[] = [];
		const origin = server.origin;
		const admin = await adminClient(server);
		const moderator = await userClient(
			server,
			admin,
			'moderator',
			`done-${randomBytes(3).toString('hex')}`
		);
		const session = expectStatus<{ id: string; items: { id: string }[] }>(
			await moderator.post('/api/v1/sessions', {
				title: '楼道灯改造议事会',
				kind: 'live',
				items: [{ title: '楼道灯换成声控灯' }]
			}),
			201
		);
		const itemId = session.items[0]!.id;
		expectStatus(
			await moderator.post(`/api/v1/items/${itemId}/outcome`, {
				text: '全楼换声控灯，物业负责，月底前完成',
				owner: '物业',
				due: '2027-01-31'
			}),
			200
		);
		expectStatus(await moderator.post(`/api/v1/sessions/${session.id}/close`, {}), 200);
		const link = expectStatus(
			await moderator.post<{ url: string }>(`/api/v1/communities/${COMMUNITY}/invites`, {
				role: 'resident'
			}),
			201
		);

		// The moderator records progress and opens the notice on the outcome's page.
		const modContext = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
		const mod = await modContext.newPage();
		watchErrors(mod, 'moderator', errors);
		const page = `/outcomes/${itemId}`;
		await mod.goto(`${origin}/login?next=${encodeURIComponent(page)}`);
		await mod.getByLabel('用户名').fill(moderator.user.username);
		await mod.getByLabel('密码').fill(moderator.password);
		await mod.getByRole('button', { name: '登录' }).click();
		await expect(mod).toHaveURL(`${origin}${page}`);
		await mod.getByLabel('新进展').fill('声控灯已全部装好。');
		await mod.getByLabel('落实状态').selectOption('done');
		await mod.getByRole('button', { name: '记录进展' }).click();
		await expect(mod.getByText('声控灯已全部装好。')).toBeVisible();
		await mod.getByLabel('公示天数（1–30）').fill('7');
		await mod.getByRole('button', { name: '开始公示' }).click();
		await expect(mod.getByTestId('notice')).toContainText('公示中');

		// A neighbour joins on a phone, finds the notice on the board and rates it.
		const a = await phone(browser, 'A', errors);
		await joinAsResident(a, link.url, '2号楼周阿姨', origin);
		await a.getByRole('link', { name: '楼道灯换成声控灯' }).click();
		await expect(a).toHaveURL(`${origin}${page}`);
		await a.getByRole('radio', { name: '5 星' }).check();
		await a.getByLabel('说说您的看法（可选）').fill('晚上回家亮堂多了');
		await a.getByRole('button', { name: '提交评价' }).click();
		await expect(a.getByText('您已评价：5 星，谢谢！')).toBeVisible();

		// Anyone reads the decision, how it was carried out and what neighbours said.
		const fresh = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
		const pub = await fresh.newPage();
		watchErrors(pub, 'public', errors);
		await pub.goto(`${origin}/archive/s/${session.id}`);
		await hydrated(pub);
		await pub.getByRole('link', { name: '查看落实与评价' }).click();
		await expect(pub).toHaveURL(`${origin}${page}`);
		await expect(pub.getByText('全楼换声控灯，物业负责，月底前完成')).toBeVisible();
		await expect(pub.getByText('声控灯已全部装好。')).toBeVisible();
		await expect(pub.getByTestId('rating')).toContainText('平均 5 星 · 1 人评价');
		await expect(pub.getByText('晚上回家亮堂多了')).toBeVisible();
		expect(errors).toEqual([]);
	});

	test('the board is live: a neighbour sees a new opinion, a hand and the answer without reloading', async ({
		browser
	}) => {
		const errors: string[] = [];
		const origin = server.origin;
		const admin = await adminClient(server);
		const moderator = await userClient(
			server,
			admin,
			'moderator',
			`live-${randomBytes(3).toString('hex')}`
		);
		const link = expectStatus(
			await moderator.post<{ url: string }>(`/api/v1/communities/${COMMUNITY}/invites`, {
				role: 'resident'
			}),
			201
		);
		const a = await phone(browser, 'A', errors);
		await joinAsResident(a, link.url, '9号楼刘阿姨', origin);
		const b = await phone(browser, 'B', errors);
		await joinAsResident(b, link.url, '9号楼周伯', origin);
		// A reload would drop this mark: what B sees below arrives live.
		await b.evaluate(() => Object.assign(window, { stillSamePage: true }));

		const title = '楼道灯坏了';
		await a.waitForLoadState('networkidle');
		await a.getByLabel('标题').fill(title);
		await a.getByLabel('具体情况').fill('9号楼3楼的声控灯不亮，晚上看不清台阶。');
		await a.getByRole('button', { name: '提交意见' }).click();
		const seenByB = card(b, title);
		await expect(seenByB).toBeVisible();
		await expect(seenByB.getByTestId('hands')).toHaveText('0 人举手');

		await card(a, title).getByRole('button', { name: '举手支持' }).click();
		await expect(seenByB.getByTestId('hands')).toHaveText('1 人举手');

		const id = (await seenByB.getAttribute('id'))!.replace(/^opinion-/, '');
		expectStatus(
			await moderator.post(`/api/v1/opinions/${id}/responses`, { text: '物业今天下午来换灯泡。' }),
			201
		);
		await expect(seenByB.getByText('物业今天下午来换灯泡。')).toBeVisible();
		await expect(seenByB.getByText('已回复')).toBeVisible();
		expect(await b.evaluate(() => 'stillSamePage' in window)).toBe(true);
		expect(errors).toEqual([]);
	});
});
