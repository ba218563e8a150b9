/**
 * Cloud negotiation in a browser, on the production build with the test clock: a
 * resident's phone in a cloud session sees what waits for their vote with its deadline in
 * Beijing time (even on a phone set to another time zone), votes, the clock is moved past the
 * deadline through the API, the vote shows closed with its result, and the notification is in
 * /notifications with an unread badge.
 *
 * The clock: the server runs with YISHI_TEST_CLOCK=1, so `POST /api/v1/test/clock
 * {advanceSeconds}` moves it forward and runs every deadline that fell due before answering.
 *
 * LABELS USED (zh-CN):
 *   /join/<token>    您的称呼, button 加入
 *   /s/<id>          heading 待投票 N 项 (list: question, "<M>月<D>日 周<X> HH:MM 截止", 还剩 …),
 *                    "✓ 已投票"; vote card article named by the question, radio 同意, button 提交;
 *                    region 表决结果; link 通知 with the unread count
 *   /notifications   heading 通知, "N 条未读", 未读 marks, button 全部标为已读
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { formatShanghai } from '../../src/lib/deadlines';
import {
	ApiClient,
	adminClient,
	expectStatus,
	startServer,
	tokenOf,
	type ServerHandle,
	type SessionView
} from '../integration/harness';
import { joinOnPhone, PHONE_360 } from './phones';

const DAY = 24 * 3600;
const QUESTION = '是否同意加装电梯分摊方案';

/** A phone set to New York time: deadlines must still read in Beijing time. */
const PHONE = {
	...PHONE_360,
	deviceScaleFactor: 2,
	timezoneId: 'America/New_York'
};

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer({ env: { YISHI_TEST_CLOCK: '1' } });
});
test.afterAll(async () => {
	await server?.dispose();
});

async function serverNow(client: ApiClient): Promise<number> {
	const { now } = expectStatus<{ now: string }>(await client.get('/api/v1/test/clock'), 200);
	return Date.parse(now);
}

/** Moves the server clock; deadlines that fall due run before this returns. */
async function advanceClock(client: ApiClient, seconds: number) {
	expectStatus(await client.post('/api/v1/test/clock', { advanceSeconds: seconds }), 200);
}

const joinNewYorkPhone = (browser: Browser, joinUrl: string, name: string): Promise<Page> =>
	joinOnPhone(browser, joinUrl, name, PHONE);

test('a resident votes in a cloud session and is told the result', async ({ browser }) => {
	const admin = await adminClient(server);
	let session: SessionView;
	let voteId = '';
	let deadline = 0;
	let joinUrl = '';

	await test.step('the moderator opens a week-long cloud session with a vote due in 2 days', async () => {
		const now = await serverNow(admin);
		session = expectStatus<SessionView>(
			await admin.post('/api/v1/sessions', {
				title: '加装电梯云协商',
				kind: 'cloud',
				items: [{ title: '电梯费用分摊' }],
				closesAt: new Date(now + 7 * DAY * 1000).toISOString()
			}),
			201
		);
		const invite = expectStatus<{ url: string }>(
			await admin.post(`/api/v1/sessions/${session.id}/invites`, { role: 'resident' }),
			201
		);
		joinUrl = server.publicUrl(`/join/${tokenOf(invite.url)}`);
		// A whole minute, so the shown time is exactly the deadline.
		deadline = Math.ceil((now + 2 * DAY * 1000) / 60_000) * 60_000;
		voteId = expectStatus<{ id: string }>(
			await admin.post(`/api/v1/items/${session.items[0]!.id}/votes`, {
				question: QUESTION,
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' },
				closesAt: new Date(deadline).toISOString()
			}),
			201
		).id;
	});

	const phone = await joinNewYorkPhone(browser, joinUrl, '王阿姨');

	await test.step('the vote opens and the phone lists it as waiting, due in Beijing time', async () => {
		expectStatus(await admin.post(`/api/v1/votes/${voteId}/open`), 200);
		await expect(phone.getByRole('heading', { name: '待投票 1 项' })).toBeVisible();
		const due = `${formatShanghai(new Date(deadline))} 截止`;
		expect(due).toMatch(/^\d+月\d+日 周. \d\d:\d\d 截止$/);
		const waiting = phone.getByRole('listitem').filter({ hasText: QUESTION });
		await expect(waiting).toContainText(due);
		await expect(waiting).toContainText(/还剩 1 天 23 小时|还剩 2 天 0 小时/);
	});

	await test.step('she votes; the vote is marked as voted', async () => {
		const card = phone.getByRole('article', { name: QUESTION });
		await card.getByRole('radio', { name: '同意' }).check();
		await card.getByRole('button', { name: '提交' }).click();
		await expect(card.getByText('已投票：同意')).toBeVisible();
		await expect(phone.getByRole('heading', { name: '待投票 0 项' })).toBeVisible();
		await expect(phone.getByRole('listitem').filter({ hasText: '✓ 已投票' })).toContainText(
			QUESTION
		);
	});

	await test.step('two days pass: the vote closes by itself with its result', async () => {
		await advanceClock(admin, 2 * DAY + 60);
		const outcome = phone.getByRole('region', { name: '表决结果' }).first();
		await expect(outcome).toContainText('通过');
		await expect(outcome).not.toContainText('未通过');
		const tally = expectStatus<{ status: string; result: { passed: boolean } }>(
			await admin.get(`/api/v1/votes/${voteId}`),
			200
		);
		expect(tally).toMatchObject({ status: 'closed', result: { passed: true } });
	});

	await test.step('the room shows unread notifications; the feed has the result', async () => {
		// Two arrived while she was in the room: the vote opened, then it closed.
		const badge = phone.getByRole('link', { name: /通知/ });
		await expect(badge).toHaveAccessibleName(/2 条未读/);
		await badge.click();
		await expect(phone).toHaveURL(/\/notifications$/);
		await expect(phone.getByRole('heading', { name: '通知', level: 1 })).toBeVisible();
		await expect(phone.getByText('2 条未读')).toBeVisible();
		const entry = (text: string) => phone.getByRole('listitem').filter({ hasText: text });
		const closed = entry(`「${QUESTION}」表决已结束：通过`);
		await expect(closed).toContainText('未读');
		await expect(entry(`「${QUESTION}」开始表决`)).toContainText('未读');
		await phone.getByRole('button', { name: '全部标为已读' }).click();
		await expect(phone.getByText('2 条未读')).toHaveCount(0);
		await expect(closed).not.toContainText('未读');
		// WeChat-like browsers without PushManager are told the feed is the way; Chromium has it.
		await expect(phone.getByRole('button', { name: '接收推送提醒' })).toBeVisible();
		// Back in the room the badge has no count any more.
		await phone.goto(server.publicUrl(`/s/${session!.id}`));
		await expect(phone.getByRole('link', { name: '通知', exact: true })).toBeVisible();
	});

	await phone.context().close();
});
