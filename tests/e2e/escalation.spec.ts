/**
 * Escalation to the street ("Done when"), on the production build started by the
 * integration harness: a moderator hands an unresolved item up from the session page; a street
 * official sees the case in /street, accepts it, opens a consultation and invites an expert, who
 * joins on a phone; the official starts and answers; the community session closes and the answer
 * is public — through the API and on the community's archive page. A second test sets the
 * street's response time to 0 and sees the next case flagged 已逾期.
 *
 * LABELS USED (zh-CN):
 *   /login            用户名, 密码, button 登录
 *   /sessions/<id>    form named "上报街道：<item title>" with textarea 上报说明 and button 上报街道;
 *                     escalated items listed as #escalation-<id> with the case status and 街道答复
 *   /street           list 上报案件 (one card per case: link = item title, status, 已逾期),
 *                     number field 答复时限（小时）, button 保存答复时限
 *   /street/<id>      buttons 受理 / 开始处理 / 答复 (textarea 答复内容) / 办结;
 *                     button 约请专家和部门, link 进入街道协商室, select 约请对象, button 生成邀请链接,
 *                     readonly field 专家邀请链接, img 专家邀请二维码; 记录链头哈希; section 推送记录
 *   /join/<token>     您的称呼, button 加入
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type Browser, type Page } from '@playwright/test';
import {
	ApiClient,
	adminClient,
	expectStatus,
	startServer,
	userClient,
	type ServerHandle,
	type SessionView
} from '../integration/harness';
import { PHONE_360 } from './phones';

const PHONE = {
	...PHONE_360,
	deviceScaleFactor: 2
};

const STREET_PASSWORD = 'jiedao-e2e-pw-2024';

function escapeRegExp(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Records uncaught page errors and CSP violations. */
function watchErrors(page: Page, label: string, into: string[]) {
	page.on('pageerror', (error) => into.push(`${label}: uncaught ${error.message}`));
	page.on('console', (msg) => {
		if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) {
			into.push(`${label}: ${msg.text()}`);
		}
	});
}

/** A browser of its own for one person, signed in through /login. */
async function signedIn(
	browser: Browser,
	origin: string,
	username: string,
	password: string,
	next: string,
	errors: string[]
): Promise<Page> {
	const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
	const page = await context.newPage();
	watchErrors(page, username, errors);
	await page.goto(`${origin}/login?next=${encodeURIComponent(next)}`);
	await page.getByLabel('用户名').fill(username);
	await page.getByLabel('密码').fill(password);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(`${origin}${next}`);
	return page;
}

/** The card of one case in the street inbox. */
const caseCard = (page: Page, title: string) =>
	page
		.getByRole('list', { name: '上报案件' })
		.getByRole('listitem')
		.filter({ has: page.getByRole('link', { name: title, exact: true }) });

async function createSession(moderator: ApiClient, title: string, items: string[]) {
	return expectStatus(
		await moderator.post<SessionView>('/api/v1/sessions', {
			title,
			kind: 'live',
			items: items.map((t) => ({ title: t }))
		}),
		201,
		'create session'
	);
}

async function markUnresolved(moderator: ApiClient, itemId: string) {
	expectStatus(
		await moderator.post(`/api/v1/items/${itemId}/status`, { status: 'unresolved' }),
		200,
		'mark unresolved'
	);
}

test.describe('escalation to the street', () => {
	let server: ServerHandle;
	let hookServer: Server;
	const hooks: string[] = [];

	test.beforeAll(async () => {
		// A stand-in for the street platform, so the case page has a delivery log to show.
		hookServer = createServer((req, res) => {
			hooks.push(String(req.headers['x-yishi-event']));
			req.resume();
			req.on('end', () => res.writeHead(200).end());
		});
		await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
		const port = (hookServer.address() as AddressInfo).port;
		server = await startServer({
			env: {
				YISHI_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
				YISHI_WEBHOOK_SECRET: 'e2e-webhook-secret-0123456789'
			}
		});
	});

	test.afterAll(async () => {
		await server?.dispose();
		hookServer?.close();
	});

	test('a moderator escalates, the street accepts, invites an expert, answers; the answer is public', async ({
		browser
	}) => {
		const errors: string[] = [];
		const origin = server.origin;
		const admin = await adminClient(server);
		const suffix = randomBytes(3).toString('hex');
		const moderatorName = `juwei-${suffix}`;
		const streetName = `jiedao-${suffix}`;
		const moderatorApi = await userClient(server, admin, 'moderator', moderatorName);
		expectStatus(
			await admin.post('/api/v1/users', {
				username: streetName,
				password: STREET_PASSWORD,
				role: 'street'
			}),
			201,
			'create street account'
		);

		const itemTitle = '非机动车库改造费用分摊';
		const session = await createSession(moderatorApi, '非机动车库改造协商会', [itemTitle]);
		const item = session.items[0]!;
		const minutes = '物业认为改造费用应由全体业主分摊，居民代表不同意';
		expectStatus(
			await moderatorApi.post(`/api/v1/sessions/${session.id}/minutes`, {
				text: minutes,
				speaker: '物业张经理'
			}),
			201,
			'minutes'
		);
		await markUnresolved(moderatorApi, item.id);

		// 1. The moderator hands the item up from the session page.
		const mod = await signedIn(
			browser,
			origin,
			moderatorName,
			moderatorApi.password,
			`/sessions/${session.id}`,
			errors
		);
		const note = '费用分摊争议较大，请街道协调区房管局和专家给出意见';
		const escalateForm = mod.getByRole('form', { name: `上报街道：${itemTitle}` });
		await escalateForm.getByLabel('上报说明').fill(note);
		await escalateForm.getByRole('button', { name: '上报街道' }).click();
		const modCase = mod.locator('[id^="escalation-"]').filter({ hasText: itemTitle });
		await expect(modCase).toContainText('已提交');
		await expect(modCase).toContainText(note);
		await expect(mod.getByRole('form', { name: `上报街道：${itemTitle}` })).toHaveCount(0);
		const escalationId = (await modCase.getAttribute('id'))!.replace(/^escalation-/, '');

		// 2. A street official signs in and finds the case in the inbox.
		const st = await signedIn(browser, origin, streetName, STREET_PASSWORD, '/street', errors);
		await expect(
			st.getByRole('navigation').getByRole('link', { name: '街道收件箱' })
		).toBeVisible();
		const card = caseCard(st, itemTitle);
		await expect(card).toContainText('已提交');
		await expect(card).toContainText('北京时间');
		await expect(card).not.toContainText('已逾期');
		await card.getByRole('link', { name: itemTitle }).click();
		await expect(st).toHaveURL(`${origin}/street/${escalationId}`);

		// The whole record came along: the note, the minutes, and the chain's head.
		await expect(st.getByRole('heading', { level: 1 })).toHaveText(itemTitle);
		await expect(st.locator('body')).toContainText(note);
		await expect(st.getByRole('list', { name: '会议记录条目' })).toContainText(minutes);
		const transcript = expectStatus(
			await moderatorApi.get<{ head: string }>(`/api/v1/sessions/${session.id}/transcript`),
			200
		);
		await expect(st.getByTestId('transcript-head')).toHaveText(transcript.head);

		// 3. Accept.
		await st.getByRole('button', { name: '受理', exact: true }).click();
		await expect(st.getByRole('button', { name: '开始处理' })).toBeVisible();
		await expect(st.getByRole('list', { name: '案件办理记录' })).toContainText('街道受理');

		// 4. Invite an expert into a street consultation on the case.
		await st.getByRole('button', { name: '约请专家和部门' }).click();
		const roomLink = st.getByRole('link', { name: '进入街道协商室' });
		await expect(roomLink).toBeVisible();
		const consultationId = (await roomLink.getAttribute('href'))!.split('/').pop()!;
		expect(consultationId).not.toBe(session.id);
		await st.getByLabel('约请对象').selectOption('expert');
		await st.getByRole('button', { name: '生成邀请链接' }).click();
		const linkField = st.getByLabel('专家邀请链接');
		await expect(linkField).toHaveValue(new RegExp(`^${escapeRegExp(origin)}/join/.+`));
		const inviteUrl = await linkField.inputValue();
		const qr = st.getByRole('img', { name: '专家邀请二维码' });
		await expect(qr).toBeVisible();
		// The QR picture really loads for a street account (not only the <img> tag).
		await expect
			.poll(() => qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
			.toBe(true);

		// 5. The expert opens the link on a phone, gives a name and lands in the consultation room.
		const expertContext = await browser.newContext(PHONE);
		const expert = await expertContext.newPage();
		watchErrors(expert, 'expert', errors);
		await expert.goto(inviteUrl);
		await expert.getByLabel('您的称呼').fill('同济大学刘教授');
		await expert.getByRole('button', { name: '加入' }).click();
		await expect(expert).toHaveURL(`${origin}/s/${consultationId}`);
		await expect(expert.getByRole('heading', { level: 1 })).toContainText(itemTitle);

		// 6. Start, then answer.
		await st.getByRole('button', { name: '开始处理' }).click();
		const answerText = '经街道协调区房管局与专家论证：改造费用按每平方米 15 元分摊，底层住户减半。';
		await st.getByLabel('答复内容').fill(answerText);
		await st.getByRole('button', { name: '答复', exact: true }).click();
		await expect(st.getByRole('region', { name: '街道答复' })).toContainText(answerText);
		await expect(st.getByRole('button', { name: '办结' })).toBeVisible();

		// A step out of order is refused inline: the case moved on elsewhere (here: the API).
		const streetApi = new ApiClient(server);
		expectStatus(await streetApi.login(streetName, STREET_PASSWORD), 200);
		expectStatus(await streetApi.post(`/api/v1/escalations/${escalationId}/close`), 200);
		await st.getByRole('button', { name: '办结' }).click();
		await expect(st.getByRole('alert')).toContainText('案件状态已经变化');
		await expect(st.getByText('本案已办结。')).toBeVisible();

		// The delivery log lists the case's events.
		await st.reload();
		const log = st.getByRole('region', { name: '推送记录' });
		await expect(log).toContainText('escalation.submitted');
		await expect(log).toContainText('escalation.answered');

		// 7. The moderator closes the community session; the answer is back on the item.
		expectStatus(await moderatorApi.post(`/api/v1/sessions/${session.id}/close`), 200, 'close');
		await mod.reload();
		await expect(modCase).toContainText(answerText);

		// 8. The answer is public: the API without a cookie, and the community's archive.
		const anonymous = new ApiClient(server);
		const published = expectStatus(
			await anonymous.get<{ status: string; answer?: { text: string } }>(
				`/api/v1/escalations/${escalationId}`
			),
			200,
			'public escalation'
		);
		expect(published.answer?.text).toBe(answerText);

		const readerContext = await browser.newContext(PHONE);
		const reader = await readerContext.newPage();
		watchErrors(reader, 'reader', errors);
		const archive = await reader.goto(`${origin}/archive/default-community`);
		expect(archive?.status()).toBe(200);
		await expect(reader.getByText(answerText).first()).toBeVisible();

		expect(errors, 'uncaught errors or CSP violations in the pages').toEqual([]);
		await Promise.all([
			mod.context().close(),
			st.context().close(),
			expertContext.close(),
			readerContext.close()
		]);
	});

	test('a case past its deadline is flagged 已逾期 in the inbox', async ({ browser }) => {
		const errors: string[] = [];
		const origin = server.origin;
		const admin = await adminClient(server);
		const moderatorApi = await userClient(server, admin, 'moderator');
		const street = await userClient(server, admin, 'street');
		const onTime = '楼道堆物清理';
		const late = '小区停车错时共享';
		const session = await createSession(moderatorApi, '六月居民议事会', [onTime, late]);
		const [a, b] = session.items as [SessionView['items'][0], SessionView['items'][0]];
		await markUnresolved(moderatorApi, a.id);
		await markUnresolved(moderatorApi, b.id);
		expectStatus(
			await moderatorApi.post(`/api/v1/items/${a.id}/escalations`, { note: '请街道协调' }),
			201
		);

		// The inbox is the street's: anonymous visitors sign in first, a moderator is refused.
		const anonymous = await new ApiClient(server).get('/street');
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toBe('/login?next=%2Fstreet');
		expect((await moderatorApi.get('/street')).status).toBe(403);
		// A street account gets QR codes only for the consultations it runs, not community sessions.
		const communityInvite = expectStatus(
			await moderatorApi.post<{ id: string }>(`/api/v1/sessions/${session.id}/invites`, {
				role: 'resident'
			}),
			201
		);
		expect((await street.get(`/qr/${communityInvite.id}.svg`)).status).toBe(403);
		expect((await moderatorApi.get(`/qr/${communityInvite.id}.svg`)).status).toBe(200);

		const st = await signedIn(
			browser,
			origin,
			street.user.username,
			street.password,
			'/street',
			errors
		);
		await expect(caseCard(st, onTime)).toContainText('已提交');
		await expect(caseCard(st, onTime)).not.toContainText('已逾期');

		// The street's response time goes to 0 hours: the next case is due the moment it arrives.
		const hours = st.getByLabel('答复时限（小时）');
		await expect(hours).toHaveValue('4');
		await hours.fill('0');
		await st.getByRole('button', { name: '保存答复时限' }).click();
		await expect(st.getByRole('status').filter({ hasText: '已保存' })).toBeVisible();

		expectStatus(
			await moderatorApi.post(`/api/v1/items/${b.id}/escalations`, {
				note: '错时停车需要街道协调'
			}),
			201
		);
		await st.reload();
		await expect(caseCard(st, late)).toContainText('已逾期');
		await expect(caseCard(st, onTime)).not.toContainText('已逾期');
		await expect(st.getByLabel('答复时限（小时）')).toHaveValue('0');

		// Put the default back for whoever comes next.
		await st.getByLabel('答复时限（小时）').fill('4');
		await st.getByRole('button', { name: '保存答复时限' }).click();
		await expect(st.getByRole('status').filter({ hasText: '4 小时' })).toBeVisible();

		expect(errors, 'uncaught errors or CSP violations in the pages').toEqual([]);
		await st.context().close();
	});
});
