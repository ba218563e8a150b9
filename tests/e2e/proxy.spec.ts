/**
 * Proxies (委托投票) in the browser: an owner on a 360 px phone appoints a proxy for a household
 * vote from the room, the proxy — another owner — opens the link on their own phone and casts
 * one ballot for both seats; the console counts two households. Then a clerk's paper form: the
 * console records it with its photo and confirms it.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
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
import { joinOnPhone, PHONE_360 as PHONE } from './phones';

const REGISTER = readFileSync(
	new URL('../fixtures/heping-garden-block-d.csv', import.meta.url),
	'utf8'
);
const QUESTION = '是否同意更换三部电梯';
/** The first bytes of a PNG are what the server checks (services/photos.ts). */
const FORM_PHOTO = Buffer.from([
	0x89,
	0x50,
	0x4e,
	0x47,
	0x0d,
	0x0a,
	0x1a,
	0x0a,
	...Array(56).fill(0)
]);

interface Household {
	id: string;
	building: string;
	unit: string;
	owner: string;
	seatCode: string;
}
interface Tally {
	participation: { headcount: number; eligibleHeadcount: number };
	counts: Record<string, { headcount: number }>;
}

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.dispose();
});

async function takeSeat(page: Page, seatCode: string) {
	await page.getByLabel('表决票编码').fill(seatCode);
	await page.getByRole('button', { name: '入座' }).click();
	await expect(page.getByText(/我的座位：/).first()).toBeVisible();
}

const phone = (browser: Browser, joinUrl: string, name: string): Promise<Page> =>
	joinOnPhone(browser, joinUrl, name, PHONE);

test('an owner appoints a proxy on a phone; the proxy votes once for both seats', async ({
	browser
}) => {
	const admin = await adminClient(server);
	const session = expectStatus<SessionView>(
		await admin.post('/api/v1/sessions', {
			title: '和平花园D栋业主大会',
			kind: 'live',
			items: [{ title: '电梯更新' }]
		}),
		201
	);
	expectStatus(
		await admin.request('POST', `/api/v1/communities/${session.communityId}/households`, {
			body: REGISTER,
			headers: { 'content-type': 'text/csv' }
		}),
		200
	);
	const households = expectStatus<Household[]>(
		await admin.get(`/api/v1/communities/${session.communityId}/households`),
		200
	);
	const byOwner = new Map<string, Household>();
	for (const h of households) if (!byOwner.has(h.owner)) byOwner.set(h.owner, h);
	const [a, b, c] = [...byOwner.values()];
	const vote = expectStatus<{ id: string }>(
		await admin.post(`/api/v1/items/${session.items[0]!.id}/votes`, {
			question: QUESTION,
			kind: 'yes_no_abstain',
			secret: false,
			tally: 'live',
			eligibility: 'households',
			rule: { kind: 'civil_code_278', matter: 'major' }
		}),
		201
	);
	expectStatus(await admin.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
	const invite = expectStatus<{ url: string }>(
		await admin.post(`/api/v1/sessions/${session.id}/invites`, { role: 'owner', maxUses: 5 }),
		201
	);
	const joinUrl = server.publicUrl(`/join/${tokenOf(invite.url)}`);

	// Two owners on their phones, each in their own seat.
	const [owner, proxy] = await Promise.all([
		phone(browser, joinUrl, '业主甲'),
		phone(browser, joinUrl, '业主乙')
	]);
	await takeSeat(owner, a!.seatCode);
	await takeSeat(proxy, b!.seatCode);

	// The owner appoints a proxy for this vote and hands over the link.
	const panel = owner.getByRole('region', { name: '委托投票' });
	await panel.getByLabel('委托范围').selectOption({ label: QUESTION });
	await panel.getByRole('button', { name: '生成委托链接' }).click();
	const link = await panel.getByLabel('委托链接').inputValue();
	expect(link).toMatch(/\/join\/[A-Za-z0-9_-]+$/);

	// The other owner opens it on their phone: they now hold both seats, one by proxy.
	await proxy.goto(server.publicUrl(`/join/${tokenOf(link)}`));
	await proxy.getByLabel('您的称呼').fill('业主乙');
	await proxy.getByRole('button', { name: '加入' }).click();
	await expect(proxy).toHaveURL(/\/s\/[a-z0-9]+$/);
	await expect(proxy.getByText(/我的座位：.*、.*（受托）/).first()).toBeVisible();

	// One ballot, two seats.
	const card = proxy.getByRole('article', { name: QUESTION });
	await card.getByRole('radio', { name: '同意' }).check();
	await card.getByRole('button', { name: '提交' }).click();
	await expect(card.getByText('已投票：同意')).toBeVisible();
	for (const p of [owner, proxy])
		await expect(p.getByText('参与业主 2 / 185 人').first()).toBeVisible();
	const tally = expectStatus<Tally>(await admin.get(`/api/v1/votes/${vote.id}`), 200);
	expect(tally.participation.headcount).toBe(2);
	expect(tally.counts.yes!.headcount).toBe(2);

	// The console counts two households.
	const laptop = await (
		await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
	).newPage();
	await laptop.goto(server.publicUrl('/login'));
	await laptop.getByLabel('用户名').fill(ADMIN_USER);
	await laptop.getByLabel('密码').fill(ADMIN_PASSWORD);
	await laptop.getByRole('button', { name: '登录' }).click();
	await laptop.waitForURL((url) => !url.pathname.startsWith('/login'));
	await laptop.goto(server.publicUrl(`/s/${session.id}/console`));
	await expect(laptop.getByText(/已投票 2 \/ 185/).first()).toBeVisible();

	// A third owner signed a paper form: the clerk records it with its photo, then confirms it.
	const paper = laptop.getByRole('region', { name: '纸质委托书' });
	await paper.getByLabel('房号').selectOption({ label: `${c!.building} ${c!.unit}` });
	await paper.getByRole('button', { name: '添加这一户' }).click();
	await paper.getByLabel('受托人姓名').fill('王阿姨');
	await paper
		.getByLabel('委托书照片')
		.setInputFiles({ name: 'form.png', mimeType: 'image/png', buffer: FORM_PHOTO });
	await paper.getByRole('button', { name: '登记委托书' }).click();
	await expect(paper.getByLabel('受托人链接')).toHaveValue(/\/join\//);
	await expect(paper.getByRole('heading', { name: '待确认的委托书（1）' })).toBeVisible();
	await expect(paper.getByRole('link', { name: '查看委托书照片' })).toBeVisible();
	await paper.getByRole('button', { name: `确认 ${c!.building} ${c!.unit} 的委托生效` }).click();
	await expect(paper.getByRole('heading', { name: '待确认的委托书（0）' })).toBeVisible();
	const proxies = expectStatus<{ paper: boolean; status: string; seats: string[] }[]>(
		await admin.get(`/api/v1/sessions/${session.id}/proxies`),
		200
	);
	expect(proxies.find((p) => p.paper)).toMatchObject({ status: 'active', seats: [c!.id] });
});
