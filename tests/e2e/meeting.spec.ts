/**
 * A whole joint meeting in the browser: the moderator's console on a laptop, the
 * projector, three residents on phones. Hands and the floor with its countdown; the register
 * imported from the console; owners take their seats by slip code; a household vote under
 * Civil Code art. 278 (major matter) goes from open to result, and the projector shows each
 * rule check.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { fileURLToPath } from 'node:url';
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

const REGISTER = fileURLToPath(new URL('../fixtures/heping-garden-block-d.csv', import.meta.url));
const QUESTION = '按每平方米15元二次筹集维修资金';

interface Household {
	id: string;
	building: string;
	unit: string;
	owner: string;
	seatCode: string;
}

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.dispose();
});

const phone = (browser: Browser, joinUrl: string, name: string): Promise<Page> =>
	joinOnPhone(browser, joinUrl, name, PHONE);

test('moderator console, projector and three phones run a household vote to its result', async ({
	browser
}) => {
	// 147 paper ballots entered one by one, each broadcast to five open pages: on a busy 2-core CI
	// machine this takes close to the default 3 minutes (2.8 min on an idle one).
	test.setTimeout(360_000);
	const admin = await adminClient(server);
	const session = expectStatus<SessionView>(
		await admin.post('/api/v1/sessions', {
			title: '和平花园D栋业主大会',
			kind: 'live',
			items: [{ title: '电梯更新' }, { title: '楼道堆物清理' }]
		}),
		201
	);
	const resident = expectStatus<{ url: string }>(
		await admin.post(`/api/v1/sessions/${session.id}/invites`, { role: 'owner', maxUses: 10 }),
		201
	);
	const screen = expectStatus<{ url: string }>(
		await admin.post(`/api/v1/sessions/${session.id}/invites`, { role: 'observer', maxUses: 1 }),
		201
	);

	// The moderator's laptop.
	const laptop = await (
		await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' })
	).newPage();
	await laptop.goto(server.publicUrl('/login'));
	await laptop.getByLabel('用户名').fill(ADMIN_USER);
	await laptop.getByLabel('密码').fill(ADMIN_PASSWORD);
	await laptop.getByRole('button', { name: '登录' }).click();
	await laptop.waitForURL((url) => !url.pathname.startsWith('/login'));
	await laptop.goto(server.publicUrl(`/s/${session.id}/console`));
	await expect(laptop.getByRole('status').filter({ hasText: '已连接' }).first()).toBeVisible();

	// The projector box opens its own read-only link.
	const projector = await (
		await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' })
	).newPage();
	await projector.goto(screen.url.replace(/^https?:\/\/[^/]+/, server.origin));
	await projector.getByLabel('您的称呼').fill('会场投影');
	await projector.getByRole('button', { name: '加入' }).click();
	await expect(projector).toHaveURL(/\/s\/[a-z0-9]+$/);
	await projector.goto(server.publicUrl(`/s/${session.id}/projector`));
	await expect(projector.getByRole('heading', { level: 1 })).toContainText('电梯更新');

	const joinUrl = server.publicUrl(`/join/${tokenOf(resident.url)}`);
	const names = ['王阿姨', '李师傅', '张老师'];
	const phones = [];
	for (const name of names) phones.push(await phone(browser, joinUrl, name));

	// Hands: a point of order jumps the queue; the moderator gives the floor; a countdown runs.
	await phones[0]!.getByRole('button', { name: '举手发言' }).click();
	await phones[1]!.getByRole('button', { name: '程序性问题' }).click();
	await expect(phones[0]!.getByText('前面还有 1 人')).toBeVisible();
	await laptop.getByRole('button', { name: '请下一位发言' }).click();
	for (const p of phones) await expect(p.getByRole('timer', { name: '剩余时间' })).toBeVisible();
	await expect(phones[1]!.getByText('轮到您发言了')).toBeVisible();
	await expect(projector.getByText('李师傅').first()).toBeVisible();
	await laptop.getByRole('button', { name: '结束发言' }).click();

	// A statement from a phone and the clerk's minutes reach everyone, with the bloc shown.
	await phones[2]!.getByLabel('我要发言').fill('低楼层住户也用电梯运货，应当分摊');
	await phones[2]!.getByRole('button', { name: '发表' }).click();
	await laptop.getByLabel('发言摘要').fill('张老师：低楼层也应分摊电梯费用');
	await laptop.getByRole('button', { name: '记入纪要' }).click();
	for (const p of phones) {
		await expect(p.getByText('低楼层住户也用电梯运货，应当分摊')).toBeVisible();
		await expect(p.getByText('张老师：低楼层也应分摊电梯费用')).toBeVisible();
	}

	// The register, imported from the console.
	await laptop.getByLabel('名册 CSV 文件').setInputFiles(REGISTER);
	await laptop.getByRole('button', { name: '导入名册' }).click();
	await expect(laptop.getByText('已导入 192 户')).toBeVisible();

	// The vote, created and opened in the console.
	await laptop.getByLabel('表决事项').fill(QUESTION);
	await laptop.getByLabel('表决规则').selectOption({ label: '民法典第278条（业主共同决定）' });
	await laptop.getByLabel('事项类别').selectOption({ label: '重大事项' });
	await laptop.getByRole('radio', { name: /按户/ }).check();
	await laptop.getByRole('button', { name: '创建表决' }).click();
	await laptop.getByRole('button', { name: `开始表决：${QUESTION}` }).click();

	// The vote is by household: owners take their seats by the code on their slip.
	const households = expectStatus<Household[]>(
		await admin.get(`/api/v1/communities/${session.communityId}/households`),
		200
	);
	const byOwner = new Map<string, Household>();
	for (const h of households) if (!byOwner.has(h.owner)) byOwner.set(h.owner, h);
	const owners = [...byOwner.values()];
	for (const [i, p] of phones.entries()) {
		await p.getByLabel('表决票编码').fill(owners[i]!.seatCode);
		await p.getByRole('button', { name: '入座' }).click();
		// Masked even on the owner's own phone: only moderators read a unit as typed.
		const unit = owners[i]!.unit;
		const masked = unit[0] + '*'.repeat(Math.min(unit.length - 1, 4));
		await expect(p.getByText(`我的座位：${owners[i]!.building} ${masked}`)).toBeVisible();
		await expect(p.getByText(unit, { exact: false })).toHaveCount(0);
	}

	for (const p of phones) {
		const card = p.getByRole('article', { name: QUESTION });
		await card.getByRole('radio', { name: '同意' }).check();
		await card.getByRole('button', { name: '提交' }).click();
		await expect(card.getByText('已投票：同意')).toBeVisible();
	}

	// Most owners vote on paper; the moderator enters those ballots.
	const votes = expectStatus<{ id: string; question: string }[]>(
		await admin.get(`/api/v1/sessions/${session.id}/votes`),
		200
	);
	const voteId = votes.find((v) => v.question === QUESTION)!.id;
	for (const h of owners.slice(3, 140)) {
		expectStatus(
			await admin.post(`/api/v1/votes/${voteId}/paper-ballots`, {
				householdId: h.id,
				choice: 'yes'
			}),
			200
		);
	}
	for (const h of owners.slice(140, 150)) {
		expectStatus(
			await admin.post(`/api/v1/votes/${voteId}/paper-ballots`, {
				householdId: h.id,
				choice: 'no'
			}),
			200
		);
	}

	await laptop.getByRole('button', { name: `结束表决：${QUESTION}` }).click();
	await laptop.getByRole('button', { name: '确认结束表决' }).click();

	// 150 of 185 owners took part; 140 of 150 said yes (≥ 3/4) — passed, with each check shown.
	const result = projector.getByRole('region', { name: '表决结果' });
	await expect(result).toContainText('通过');
	await expect(result).not.toContainText('未通过');
	await expect(result.getByText(/参与面积.*≥ 2\/3.*✓/)).toBeVisible();
	await expect(result.getByText(/同意.*≥ 3\/4.*✓/).first()).toBeVisible();
	for (const p of phones) {
		const outcome = p.getByRole('region', { name: '表决结果' }).first();
		await expect(outcome).toContainText('通过');
		await expect(outcome).not.toContainText('未通过');
	}
	const tally = expectStatus<{ result: { passed: boolean }; participation: { headcount: number } }>(
		await admin.get(`/api/v1/votes/${voteId}`),
		200
	);
	expect(tally.participation.headcount).toBe(150);
	expect(tally.result.passed).toBe(true);
});
