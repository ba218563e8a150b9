/**
 * The accessibility sweep: every page route, with real data seeded through the API, as each role
 * that can see it, in three configurations — a 360 px phone with WeChat's user agent (zh-CN), the
 * same phone in 长辈版 (cookie `yishi_large=1`), and a 1280 px desktop. One browser, one context
 * per role and configuration, one seeded server.
 *
 * Each visit must have:
 *   - no axe violation for wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa;
 *   - no horizontal overflow at 360 px with text at 1.4× (WeChat's largest common font setting,
 *     its 关怀模式). WeChat's Android browser scales text by a text-zoom factor applied to every
 *     font size; our stylesheets size all text in rem/em off the root (src/lib/components/app.css
 *     sets `html { font-size: 18px }`, 24 px in 长辈版), so multiplying the root font size by 1.4
 *     scales every line of text the same way without scaling boxes sized in px, as text zoom does.
 *     CSS `zoom` would scale the layout as well (a 257 px viewport), which WeChat does not do;
 *   - every visible interactive element (a, button, input, select, textarea, summary,
 *     [role=button], and the label of a checkbox or radio) at least 44 × 44 px, 60 × 60 in
 *     长辈版. The one exception is WCAG 2.5.8's "inline" one: a link rendered `display: inline`
 *     inside a sentence (its parent has other words), whose height the line of text decides.
 *
 * Every finding is collected, then printed with the page, the configuration and the selectors,
 * and the test fails if there is any.
 */
import { appendFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import {
	ApiClient,
	adminClient,
	expectStatus,
	joinAs,
	startServer,
	tokenOf,
	type InviteView,
	type ServerHandle,
	type SessionView
} from '../integration/harness';

/** Android WeChat (XWeb) as seen in the field. */
const WECHAT_UA =
	'Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64';

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

type Role = 'anonymous' | 'participant' | 'moderator' | 'clerk' | 'street' | 'admin';
const ROLES: Role[] = ['anonymous', 'participant', 'moderator', 'clerk', 'street', 'admin'];

interface Config {
	name: string;
	phone: boolean;
	large: boolean;
}
const CONFIGS: Config[] = [
	{ name: '360 zh-CN', phone: true, large: false },
	{ name: '360 长辈版', phone: true, large: true },
	{ name: '1280 zh-CN', phone: false, large: false }
];

interface Visit {
	/** The route file's pattern, for the count of pages. */
	route: string;
	path: string;
	roles: Role[];
	/** Waits until the page shows what it is for (realtime pages connect first). */
	ready?: (page: Page) => Promise<void>;
}

let server: ServerHandle;
const visits: Visit[] = [];
const cookies: Partial<Record<Role, { name: string; value: string }[]>> = {};

function jarCookies(client: ApiClient) {
	return [...client.cookies.values()].map((c) => ({ name: c.name, value: c.value }));
}

async function account(
	admin: ApiClient,
	role: 'moderator' | 'clerk' | 'street',
	extra: Record<string, string>
): Promise<ApiClient> {
	const username = `${role}-a11y`;
	const password = `${role}-a11y-pw-2024`;
	expectStatus(
		await admin.post('/api/v1/users', { username, password, role, ...extra }),
		201,
		`create ${role}`
	);
	const client = new ApiClient(server);
	expectStatus(await client.login(username, password), 200, `${role} login`);
	return client;
}

const connected = async (page: Page) => {
	await expect(page.getByRole('status').filter({ hasText: '已连接' }).first()).toBeVisible({
		timeout: 10_000
	});
};

// A trace of ~150 visits would cost more than the visits themselves; the findings say it all.
test.use({ trace: 'off', screenshot: 'off' });

test.beforeAll(async () => {
	test.setTimeout(300_000);
	server = await startServer();
	const admin = await adminClient(server);

	// A street with one community, and its staff.
	const street = expectStatus<{ id: string }>(
		await admin.post('/api/v1/streets', { name: '幸福街道' }),
		201,
		'street'
	);
	const community = expectStatus<{ id: string }>(
		await admin.post(`/api/v1/streets/${street.id}/communities`, { name: '和平里社区' }),
		201,
		'community'
	);
	const cid = community.id;
	const moderator = await account(admin, 'moderator', { communityId: cid });
	const clerk = await account(admin, 'clerk', { communityId: cid });
	const official = await account(admin, 'street', { streetId: street.id });
	expectStatus(
		await moderator.request('PATCH', `/api/v1/communities/${cid}`, {
			json: { opinionHandThreshold: 1 }
		}),
		200,
		'threshold'
	);
	expectStatus(
		await moderator.request('POST', `/api/v1/communities/${cid}/households`, {
			body: 'building,unit,area,owner\n7号楼,101,60.00,o1\n7号楼,201,70.00,o2\n7号楼,301,80.00,o3\n',
			headers: { 'content-type': 'text/csv' }
		}),
		200,
		'households'
	);
	const households = expectStatus<{ id: string; unit: string; seatCode: string }[]>(
		await moderator.get(`/api/v1/communities/${cid}/households`),
		200
	);

	// A live meeting with a proposal, an open vote, a cost scheme, a notice and an escalation.
	const live = expectStatus<SessionView>(
		await moderator.post('/api/v1/sessions', {
			title: '7号楼加装电梯议事会',
			kind: 'live',
			items: [
				{
					title: '电梯费用怎么分',
					body: '拟按面积和楼层分摊加装电梯的费用，一楼住户不出资，其余住户按面积分摊。'
				},
				{ title: '是否同意加装电梯', body: '由业主表决是否同意在7号楼加装电梯。' },
				{ title: '楼下停车位调整', body: '施工期间临时调整停车位。' }
			]
		}),
		201,
		'live session'
	);
	const [costItem, voteItem, parkingItem] = live.items as { id: string }[];
	const scheme = expectStatus<{ id: string }>(
		await moderator.post(`/api/v1/items/${costItem!.id}/cost-schemes`, {
			title: '按面积分摊',
			total: 2100,
			method: { kind: 'area' }
		}),
		201,
		'cost scheme'
	);
	// Chosen by the meeting, so its collection checklist exists; one household has paid.
	expectStatus(await moderator.post(`/api/v1/cost-schemes/${scheme.id}/choose`, {}), 200, 'choose');
	expectStatus(
		await clerk.post(`/api/v1/cost-schemes/${scheme.id}/collections`, {
			householdId: households[1]!.id,
			paid: true
		}),
		200,
		'paid'
	);
	expectStatus(
		await moderator.post(`/api/v1/sessions/${live.id}/current`, { itemId: voteItem!.id }),
		200
	);
	const openVote = expectStatus<{ id: string }>(
		await moderator.post(`/api/v1/items/${voteItem!.id}/votes`, {
			question: '是否同意在7号楼加装电梯？',
			kind: 'yes_no_abstain',
			secret: false,
			tally: 'live',
			eligibility: 'households',
			rule: { kind: 'majority_cast' }
		}),
		201,
		'vote'
	);
	const notice = expectStatus<{ id: string }>(
		await moderator.post(`/api/v1/votes/${openVote.id}/notice`, {
			text: '请各位业主按时参加表决。',
			place: '社区活动室'
		}),
		201,
		'notice'
	);
	expectStatus(await moderator.post(`/api/v1/votes/${openVote.id}/open`, {}), 200, 'open vote');
	expectStatus(
		await moderator.post(`/api/v1/sessions/${live.id}/minutes`, {
			text: '会议开始，共到会业主三户。'
		}),
		201,
		'minutes'
	);
	expectStatus(
		await moderator.post(`/api/v1/items/${parkingItem!.id}/status`, { status: 'unresolved' }),
		200,
		'unresolved'
	);
	const escalation = expectStatus<{ id: string }>(
		await moderator.post(`/api/v1/items/${parkingItem!.id}/escalations`, {
			note: '停车位调整涉及市政道路，需街道协调。'
		}),
		201,
		'escalation'
	);
	expectStatus(await official.post(`/api/v1/escalations/${escalation.id}/accept`, {}), 200);

	// A phone: joins the meeting as an owner, takes its household's seat, speaks.
	const ownerInvite = expectStatus<InviteView>(
		await moderator.post(`/api/v1/sessions/${live.id}/invites`, { role: 'owner' }),
		201
	);
	const phone = await joinAs(server, tokenOf(ownerInvite.url), '三楼业主');
	const top = households.find((h) => h.unit === '301')!;
	expectStatus(
		await phone.post(`/api/v1/sessions/${live.id}/seats`, { seatCode: top.seatCode }),
		200
	);
	expectStatus(
		await phone.post(`/api/v1/sessions/${live.id}/statements`, { text: '我同意加装电梯。' }),
		201,
		'statement'
	);

	// The same phone on the community's board: an opinion, a hand, a project with a milestone.
	const boardInvite = expectStatus<InviteView>(
		await moderator.post(`/api/v1/communities/${cid}/invites`, { role: 'resident' }),
		201,
		'community invite'
	);
	expectStatus(
		await phone.post(`/api/v1/join/${encodeURIComponent(tokenOf(boardInvite.url))}`, {
			name: '三楼业主'
		}),
		200,
		'join community'
	);
	const opinion = expectStatus<{ id: string }>(
		await phone.post(`/api/v1/communities/${cid}/opinions`, {
			title: '小区路灯不亮',
			text: '东门到7号楼之间的路灯坏了一个多月，晚上老人出门不安全。'
		}),
		201,
		'opinion'
	);
	expectStatus(await phone.post(`/api/v1/opinions/${opinion.id}/hands`, {}), 200, 'hand');
	const other = expectStatus<{ id: string }>(
		await phone.post(`/api/v1/communities/${cid}/opinions`, {
			title: '快递柜位置',
			text: '建议把快递柜挪到北门。'
		}),
		201
	);
	expectStatus(
		await moderator.post(`/api/v1/opinions/${other.id}/responses`, { text: '已转物业研究。' }),
		201
	);
	const project = expectStatus<{ projectId: string }>(
		await moderator.post(`/api/v1/opinions/${opinion.id}/project`, {}),
		201,
		'project'
	);
	expectStatus(
		await moderator.post(`/api/v1/projects/${project.projectId}/milestones`, {
			text: '物业已订购新灯具。'
		}),
		201,
		'milestone'
	);

	// A closed meeting for the archive: minutes, a closed vote with its result, an outcome.
	const closed = expectStatus<SessionView>(
		await moderator.post('/api/v1/sessions', {
			title: '2026年第三季度居民议事会',
			kind: 'live',
			items: [{ title: '绿化带改造', body: '把南侧绿化带改为口袋公园。' }]
		}),
		201,
		'closed session'
	);
	const closedItem = closed.items[0]!.id;
	const closedInvite = expectStatus<InviteView>(
		await moderator.post(`/api/v1/sessions/${closed.id}/invites`, { role: 'resident' }),
		201
	);
	const resident = await joinAs(server, tokenOf(closedInvite.url), '二楼居民');
	expectStatus(
		await resident.post(`/api/v1/sessions/${closed.id}/statements`, {
			text: '支持改造，希望多种树。'
		}),
		201,
		'closed statement'
	);
	const closedVote = expectStatus<{ id: string }>(
		await moderator.post(`/api/v1/items/${closedItem}/votes`, {
			question: '是否同意改造绿化带？',
			kind: 'yes_no_abstain',
			secret: false,
			tally: 'live',
			eligibility: 'participants',
			rule: { kind: 'majority_cast' }
		}),
		201
	);
	expectStatus(await moderator.post(`/api/v1/votes/${closedVote.id}/open`, {}), 200);
	expectStatus(await moderator.post(`/api/v1/votes/${closedVote.id}/close`, {}), 200);
	expectStatus(
		await moderator.post(`/api/v1/sessions/${closed.id}/minutes`, {
			text: '与会居民一致支持改造。'
		}),
		201
	);
	expectStatus(
		await moderator.post(`/api/v1/items/${closedItem}/outcome`, {
			text: '明年春季施工',
			owner: '物业',
			due: '2027-04-30'
		}),
		200,
		'outcome'
	);
	expectStatus(await moderator.post(`/api/v1/sessions/${closed.id}/close`, {}), 200, 'close');

	const anonymousJoin = expectStatus<InviteView>(
		await moderator.post(`/api/v1/sessions/${live.id}/invites`, { role: 'resident' }),
		201
	);

	cookies.participant = jarCookies(phone);
	cookies.moderator = jarCookies(moderator);
	cookies.clerk = jarCookies(clerk);
	cookies.street = jarCookies(official);
	cookies.admin = jarCookies(admin);

	const room = (role: Role[]) => ({ roles: role, ready: connected });
	visits.push(
		{ route: '/', path: '/', roles: ROLES },
		{ route: '/admin', path: '/admin', roles: ['admin'] },
		{
			route: '/archive/[communityId]',
			path: `/archive/${cid}`,
			roles: ['anonymous', 'participant']
		},
		{
			route: '/archive/s/[sessionId]',
			path: `/archive/s/${closed.id}`,
			roles: ['anonymous', 'moderator']
		},
		{
			route: '/archive/s/[sessionId]/print',
			path: `/archive/s/${closed.id}/print`,
			roles: ['anonymous']
		},
		{
			route: '/c/[communityId]',
			path: `/c/${cid}`,
			roles: ['anonymous', 'participant', 'moderator']
		},
		{ route: '/c/[communityId]/audit', path: `/c/${cid}/audit`, roles: ['moderator', 'admin'] },
		{ route: '/c/[communityId]/links', path: `/c/${cid}/links`, roles: ['moderator'] },
		{
			route: '/c/[communityId]/links/[inviteId]/poster',
			path: `/c/${cid}/links/${boardInvite.id}/poster`,
			roles: ['moderator']
		},
		{ route: '/c/[communityId]/settings', path: `/c/${cid}/settings`, roles: ['moderator'] },
		{
			route: '/join/[token]',
			path: `/join/${tokenOf(anonymousJoin.url)}`,
			roles: ['anonymous']
		},
		{ route: '/login', path: '/login', roles: ['anonymous'] },
		{ route: '/notices/[id]', path: `/notices/${notice.id}`, roles: ['anonymous', 'participant'] },
		{ route: '/notifications', path: '/notifications', roles: ['participant', 'moderator'] },
		{
			route: '/projects/[id]',
			path: `/projects/${project.projectId}`,
			roles: ['anonymous', 'participant', 'moderator']
		},
		{ route: '/s/[id]', path: `/s/${live.id}`, ...room(['participant', 'moderator']) },
		{
			route: '/s/[id]/collection/[schemeId]',
			path: `/s/${live.id}/collection/${scheme.id}`,
			roles: ['moderator', 'clerk']
		},
		{ route: '/s/[id]/console', path: `/s/${live.id}/console`, ...room(['moderator', 'clerk']) },
		{ route: '/s/[id]/history', path: `/s/${live.id}/history`, roles: ['participant'] },
		{ route: '/s/[id]/history', path: `/s/${closed.id}/history`, roles: ['anonymous'] },
		{ route: '/s/[id]/projector', path: `/s/${live.id}/projector`, roles: ['moderator'] },
		{ route: '/s/[id]/slips', path: `/s/${live.id}/slips`, roles: ['moderator'] },
		{ route: '/seat/[code]', path: `/seat/${top.seatCode}`, roles: ['participant'] },
		{ route: '/sessions/[id]', path: `/sessions/${live.id}`, roles: ['moderator', 'clerk'] },
		{ route: '/sessions/[id]/digest', path: `/sessions/${live.id}/digest`, roles: ['moderator'] },
		{ route: '/sessions/[id]/print', path: `/sessions/${live.id}/print`, roles: ['moderator'] },
		{ route: '/sessions/new', path: '/sessions/new', roles: ['moderator'] },
		{ route: '/setup', path: '/setup', roles: ['anonymous'] },
		{ route: '/street', path: '/street', roles: ['street', 'admin'] },
		{ route: '/street/[id]', path: `/street/${escalation.id}`, roles: ['street'] },
		{
			route: '/votes/[id]/announcement',
			path: `/votes/${closedVote.id}/announcement`,
			roles: ['anonymous']
		},
		{
			route: '/votes/[id]/turnout',
			path: `/votes/${openVote.id}/turnout`,
			roles: ['moderator', 'clerk']
		}
	);
});

test.afterAll(async () => {
	await server?.dispose();
});

/** With A11Y_PROGRESS=<file>, each step is appended there as it happens (to follow a long run). */
function progress(line: string) {
	if (process.env.A11Y_PROGRESS) appendFileSync(process.env.A11Y_PROGRESS, `${line}\n`);
}

/** Interactive elements smaller than `min` px, as "selector W×H" lines. */
async function smallTargets(page: Page, min: number): Promise<string[]> {
	return page.evaluate((min) => {
		const describe = (el: Element) => {
			const parts: string[] = [];
			for (
				let e: Element | null = el;
				e && e !== document.body && parts.length < 3;
				e = e.parentElement
			) {
				const cls = [...e.classList]
					.slice(0, 2)
					.map((c) => `.${c}`)
					.join('');
				parts.unshift(`${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${cls}`);
			}
			const text = (el.textContent ?? '').trim().slice(0, 20);
			return `${parts.join(' > ')}${text ? ` "${text}"` : ''}`;
		};
		/** WCAG 2.5.8 "inline": a link laid out as text inside a sentence of other words. */
		const inlineInSentence = (el: Element) => {
			if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
			const parent = el.parentElement;
			if (!parent) return false;
			const own = (el.textContent ?? '').trim().length;
			return (parent.textContent ?? '').replace(/\s+/g, '').length - own >= 2;
		};
		const found: string[] = [];
		const selector =
			'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
		for (const el of document.querySelectorAll(selector)) {
			let target: Element = el;
			if (el instanceof HTMLInputElement && (el.type === 'checkbox' || el.type === 'radio')) {
				target = el.closest('label') ?? (el.labels && el.labels[0]) ?? el;
			}
			const box = target.getBoundingClientRect();
			if (box.width === 0 || box.height === 0) continue; // not rendered (closed details, display:none)
			const style = getComputedStyle(target);
			if (style.visibility === 'hidden') continue;
			if (el.closest('.visually-hidden, [aria-hidden="true"], [inert]')) continue;
			// The skip link waits above the page until it is focused.
			if (box.bottom + window.scrollY <= 0) continue;
			if (inlineInSentence(el)) continue;
			if (box.width < min - 0.5 || box.height < min - 0.5) {
				found.push(`${describe(target)} ${Math.round(box.width)}×${Math.round(box.height)}`);
			}
		}
		return found;
	}, min);
}

/** With text at 1.4×, what sticks out of a 360 px screen (empty when nothing does). */
async function overflowAt14(page: Page): Promise<string[]> {
	return page.evaluate(async () => {
		const root = document.documentElement;
		const base = parseFloat(getComputedStyle(root).fontSize);
		root.style.setProperty('font-size', `${base * 1.4}px`, 'important');
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		const found: string[] = [];
		if (root.scrollWidth > window.innerWidth) {
			for (const el of document.body.querySelectorAll('*')) {
				const box = el.getBoundingClientRect();
				if (box.right <= window.innerWidth + 1 || box.width === 0) continue;
				// Report the innermost culprits only.
				const child = [...el.children].some(
					(c) => c.getBoundingClientRect().right > window.innerWidth + 1
				);
				if (child) continue;
				const cls = [...el.classList]
					.slice(0, 2)
					.map((c) => `.${c}`)
					.join('');
				const parent = el.parentElement;
				const pcls = parent
					? [...parent.classList]
							.slice(0, 2)
							.map((c) => `.${c}`)
							.join('')
					: '';
				found.push(
					`${parent?.tagName.toLowerCase()}${pcls} > ${el.tagName.toLowerCase()}${cls} right=${Math.round(box.right)}`
				);
				if (found.length >= 5) break;
			}
			found.unshift(`scrollWidth ${root.scrollWidth} > ${window.innerWidth}`);
		}
		root.style.removeProperty('font-size');
		return found;
	});
}

test('every page passes axe, fits 360 px at 1.4× text and has large enough targets', async ({
	browser
}) => {
	// About 150 visits: 3–4 min on a quiet machine, up to 20 on a 2-core one shared with other runs.
	test.setTimeout(1_800_000);
	const started = Date.now();
	// A11Y_ONLY=<regexp of routes> re-checks a few pages while fixing them; the full sweep is the test.
	const only = process.env.A11Y_ONLY ? new RegExp(process.env.A11Y_ONLY) : null;
	const findings: string[] = [];
	const found = (line: string) => {
		findings.push(line);
		progress(line);
	};
	const errors: string[] = [];
	let count = 0;
	const contexts: BrowserContext[] = [];
	try {
		for (const config of CONFIGS) {
			for (const role of ROLES) {
				const mine = visits.filter((v) => v.roles.includes(role) && (!only || only.test(v.route)));
				if (mine.length === 0) continue;
				const context = await browser.newContext({
					locale: 'zh-CN',
					timezoneId: 'Asia/Shanghai',
					...(config.phone
						? {
								viewport: { width: 360, height: 740 },
								isMobile: true,
								hasTouch: true,
								deviceScaleFactor: 2,
								userAgent: WECHAT_UA
							}
						: { viewport: { width: 1280, height: 800 } })
				});
				contexts.push(context);
				const jar = [...(cookies[role] ?? [])];
				if (config.large) jar.push({ name: 'yishi_large', value: '1' });
				await context.addCookies(jar.map((c) => ({ ...c, url: server.origin })));
				const page = await context.newPage();
				page.on('pageerror', (e) => errors.push(`${role} ${page.url()}: ${e.message}`));
				for (const visit of mine) {
					const where = `[${config.name}] ${role} ${visit.path}`;
					const response = await page.goto(server.publicUrl(visit.path), { waitUntil: 'load' });
					count++;
					progress(`${where} loaded`);
					if (!response || response.status() >= 400) {
						found(`${where}: HTTP ${response?.status()}`);
					}
					if (visit.ready) {
						await visit.ready(page).catch((e: Error) => {
							found(`${where}: never ready: ${e.message.split('\n')[0]}`);
						});
					}
					if (config.large) {
						await expect(page.locator('html')).toHaveAttribute('data-large', '1');
					}
					const axe = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
					for (const v of axe.violations) {
						found(
							`${where}: axe ${v.id} (${v.impact}) ${v.nodes
								.slice(0, 6)
								.map((n) => n.target.join(' '))
								.join(' | ')}`
						);
					}
					for (const t of await smallTargets(page, config.large ? 60 : 44)) {
						found(`${where}: target ${t}`);
					}
					if (config.phone) {
						const overflow = await overflowAt14(page);
						if (overflow.length) found(`${where}: overflow at 1.4× ${overflow.join(' | ')}`);
					}
				}
				await context.close();
			}
		}
	} finally {
		for (const c of contexts) await c.close().catch(() => {});
	}
	const pages = new Set(visits.map((v) => v.route)).size;
	console.log(
		`a11y sweep: ${pages} pages × ${CONFIGS.length} configurations, ${count} visits, ${findings.length} violations (${Math.round((Date.now() - started) / 1000)} s)`
	);
	if (findings.length) console.log(findings.join('\n'));
	expect(findings, findings.join('\n')).toEqual([]);
	expect(errors).toEqual([]);
});
