/**
 * The accessibility sweep: every page route, with real data seeded through the API, as each role
 * that can see it — on a 360 px phone with WeChat's user agent (zh-CN), in normal mode and in
 * 长辈版, and, for the pages staff use on a laptop (console, projector, the moderator's and the
 * street's desks), at 1280 px.
 *
 * Each visit must have:
 *   - no axe violation for wcag2a, wcag2aa, wcag21a, wcag21aa, wcag22aa;
 *   - no horizontal overflow at 360 px with text at 1.4× (WeChat's largest common font setting,
 *     its 关怀模式), in both modes. WeChat's Android browser scales text by a text-zoom factor
 *     applied to every font size; our stylesheets size all text in rem/em off the root
 *     (src/lib/components/app.css sets `html { font-size: 18px }`, 24 px in 长辈版), so
 *     multiplying the root font size by 1.4 scales every line of text the same way without
 *     scaling boxes sized in px, as text zoom does. CSS `zoom` would scale the layout as well (a
 *     257 px viewport), which WeChat does not do;
 *   - every visible interactive element (a, button, input, select, textarea, summary,
 *     [role=button], and the label of a checkbox or radio) at least 44 × 44 px, 60 × 60 in
 *     长辈版. The one exception is WCAG 2.5.8's "inline" one: a link rendered `display: inline`
 *     inside a sentence (its parent has other words), whose height the line of text decides.
 *
 * How it stays fast on two shared cores (the first version, one context per role and
 * configuration and a fresh load per configuration, took 4.5 min here and ~20 on a busier day):
 *   - one seeded server for the file, one phone context per role reused across its pages, one
 *     laptop context for the roles that have laptop pages;
 *   - one load per page on the phone serves both modes: the page is checked in the mode it was
 *     served in, then 长辈版 is tapped (the product switches in place, src/lib/client/
 *     large-mode.svelte.ts) and it is checked in the other. The switch's cookie makes the next
 *     page arrive in that mode, so half the pages are checked as the server renders 长辈版
 *     from the cookie and half as the switch turns it on, both of which residents see;
 *   - axe runs once per page load, in normal mode: 长辈版 changes sizes, not colours or names
 *     (app.css), and larger text only lowers axe's contrast bar, so a second run would find
 *     nothing new — except on pages whose markup changes in 长辈版 (`largeMarkup`), where it
 *     runs in both;
 *   - axe-core is injected once per document and run there directly (see `axe` below);
 *   - pages are checked once they are ready by their own signal (`load`, and for the realtime
 *     pages their 已连接 status), never after a fixed wait.
 *
 * Every finding is collected, then printed with the page, the configuration and the selectors,
 * and a role's test fails if it has any.
 */
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
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
import { PHONE_360, WECHAT_UA } from './phones';

/** Android WeChat (XWeb) as seen in the field. */
const PHONE = {
	...PHONE_360,
	deviceScaleFactor: 2,
	userAgent: WECHAT_UA
};
const LAPTOP = { viewport: { width: 1280, height: 800 } };

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** 长辈版's cookie (contract §10). */
const LARGE_COOKIE = { name: 'yishi_large', value: '1' };

/**
 * The axe-core that @axe-core/playwright pins, read once. Its AxeBuilder evaluates these 650 kB
 * twice per analysis (into the page, then again into every frame) and finishes each analysis in
 * a new blank page of the context where it evaluates them once more; our pages have no iframes
 * (no `<iframe` under src/), so injecting once per document and calling `axe.run` on it checks
 * the same rules on the same DOM for a fraction of the work.
 */
const AXE_SOURCE = readFileSync(
	createRequire(createRequire(import.meta.url).resolve('@axe-core/playwright')).resolve(
		'axe-core/axe.min.js'
	),
	'utf8'
);

type Role = 'anonymous' | 'participant' | 'moderator' | 'clerk' | 'street' | 'admin';
const ROLES: Role[] = ['anonymous', 'participant', 'moderator', 'clerk', 'street', 'admin'];
const STAFF: Role[] = ['moderator', 'clerk', 'street', 'admin'];

interface Visit {
	/** The route file's pattern, for the count of pages. */
	route: string;
	path: string;
	roles: Role[];
	/** Waits until the page shows what it is for (realtime pages connect first). */
	ready?: (page: Page) => Promise<void>;
	/** Staff use it on a laptop too: their roles also see it at 1280 px. */
	laptop?: boolean;
	/** Its markup, not only its sizes, changes in 长辈版: axe runs in both modes. */
	largeMarkup?: boolean;
	/**
	 * It covers the site frame, 长辈版 switch included (the projector is one full screen for a
	 * beamer): its other mode comes from the cookie and a reload, as a page opened later would.
	 */
	coversFrame?: boolean;
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

/** The projector says 正在连接… until its room is live, and nothing once it is. */
const projecting = async (page: Page) => {
	await expect(page.getByRole('status').filter({ hasText: '正在连接' })).toHaveCount(0, {
		timeout: 10_000
	});
};

// A trace of every visit would cost more than the visits themselves; the findings say it all.
test.use({ trace: 'off', screenshot: 'off' });

test.beforeAll(async () => {
	test.setTimeout(180_000);
	const started = Date.now();
	server = await startServer();
	progress(`server up after ${Date.now() - started} ms`);
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
	// Its follow-up on public notice, so the outcome's page shows the rating form too.
	expectStatus(
		await moderator.post(`/api/v1/items/${closedItem}/outcome/notice`, { days: 7 }),
		200,
		'outcome notice'
	);

	const anonymousJoin = expectStatus<InviteView>(
		await moderator.post(`/api/v1/sessions/${live.id}/invites`, { role: 'resident' }),
		201
	);

	// The community's WeCom group robot, so its page shows the masked address and the digest
	// switch. Set last and without the digest: nothing in the sweep queues a delivery.
	expectStatus(
		await moderator.request('PUT', `/api/v1/communities/${cid}/channels`, {
			json: {
				wecomWebhook: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=a11y-sweep-key',
				wecomDigest: false
			}
		}),
		200,
		'channels'
	);

	cookies.participant = jarCookies(phone);
	cookies.moderator = jarCookies(moderator);
	cookies.clerk = jarCookies(clerk);
	cookies.street = jarCookies(official);
	cookies.admin = jarCookies(admin);

	progress(`seeded after ${Date.now() - started} ms`);
	const room = { ready: connected };
	visits.push(
		{ route: '/', path: '/', roles: ROLES, laptop: true },
		{ route: '/admin', path: '/admin', roles: ['admin'], laptop: true },
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
		{
			route: '/c/[communityId]/audit',
			path: `/c/${cid}/audit`,
			roles: ['moderator', 'admin'],
			laptop: true
		},
		{
			route: '/c/[communityId]/channels',
			path: `/c/${cid}/channels`,
			roles: ['moderator'],
			laptop: true
		},
		{
			route: '/c/[communityId]/links',
			path: `/c/${cid}/links`,
			roles: ['moderator'],
			laptop: true
		},
		{
			route: '/c/[communityId]/links/[inviteId]/poster',
			path: `/c/${cid}/links/${boardInvite.id}/poster`,
			roles: ['moderator']
		},
		{
			route: '/c/[communityId]/settings',
			path: `/c/${cid}/settings`,
			roles: ['moderator'],
			laptop: true
		},
		{
			route: '/join/[token]',
			path: `/join/${tokenOf(anonymousJoin.url)}`,
			roles: ['anonymous']
		},
		{ route: '/login', path: '/login', roles: ['anonymous'] },
		{ route: '/notices/[id]', path: `/notices/${notice.id}`, roles: ['anonymous', 'participant'] },
		{ route: '/notifications', path: '/notifications', roles: ['participant', 'moderator'] },
		{
			route: '/outcomes/[itemId]',
			path: `/outcomes/${closedItem}`,
			roles: ['anonymous', 'participant', 'moderator']
		},
		{
			route: '/projects/[id]',
			path: `/projects/${project.projectId}`,
			roles: ['anonymous', 'participant', 'moderator']
		},
		{
			route: '/s/[id]',
			path: `/s/${live.id}`,
			roles: ['participant', 'moderator'],
			largeMarkup: true,
			...room
		},
		{
			route: '/s/[id]/collection/[schemeId]',
			path: `/s/${live.id}/collection/${scheme.id}`,
			roles: ['moderator', 'clerk'],
			laptop: true
		},
		{
			route: '/s/[id]/console',
			path: `/s/${live.id}/console`,
			roles: ['moderator', 'clerk'],
			laptop: true,
			...room
		},
		{ route: '/s/[id]/history', path: `/s/${live.id}/history`, roles: ['participant'] },
		{ route: '/s/[id]/history', path: `/s/${closed.id}/history`, roles: ['anonymous'] },
		{
			route: '/s/[id]/projector',
			path: `/s/${live.id}/projector`,
			roles: ['moderator'],
			laptop: true,
			coversFrame: true,
			ready: projecting
		},
		{ route: '/s/[id]/slips', path: `/s/${live.id}/slips`, roles: ['moderator'] },
		{ route: '/seat/[code]', path: `/seat/${top.seatCode}`, roles: ['participant'] },
		{
			route: '/sessions/[id]',
			path: `/sessions/${live.id}`,
			roles: ['moderator', 'clerk'],
			laptop: true
		},
		{ route: '/sessions/[id]/digest', path: `/sessions/${live.id}/digest`, roles: ['moderator'] },
		{ route: '/sessions/[id]/print', path: `/sessions/${live.id}/print`, roles: ['moderator'] },
		{ route: '/sessions/new', path: '/sessions/new', roles: ['moderator'], laptop: true },
		{ route: '/setup', path: '/setup', roles: ['anonymous'] },
		{ route: '/street', path: '/street', roles: ['street', 'admin'], laptop: true },
		{ route: '/street/[id]', path: `/street/${escalation.id}`, roles: ['street'], laptop: true },
		{
			route: '/votes/[id]/announcement',
			path: `/votes/${closedVote.id}/announcement`,
			roles: ['anonymous']
		},
		{
			route: '/votes/[id]/turnout',
			path: `/votes/${openVote.id}/turnout`,
			roles: ['moderator', 'clerk'],
			laptop: true
		}
	);
});

test.afterAll(async () => {
	await server?.dispose();
});

/** A11Y_ONLY=<regexp of routes> re-checks a few pages while fixing them; the sweep is all of them. */
const ONLY = process.env.A11Y_ONLY ? new RegExp(process.env.A11Y_ONLY) : null;

/** With A11Y_PROGRESS=<file>, each step is appended there as it happens (to follow a long run). */
function progress(line: string) {
	if (process.env.A11Y_PROGRESS) appendFileSync(process.env.A11Y_PROGRESS, `${line}\n`);
}

interface AxeViolation {
	id: string;
	impact?: string | null;
	nodes: { target: unknown[] }[];
}
type AxeWindow = Window & {
	axe?: {
		run(
			context: Document,
			options: { runOnly: { type: 'tag'; values: string[] }; resultTypes: string[] }
		): Promise<{ violations: AxeViolation[] }>;
	};
};

/** axe's violations on the page as it is now, as "rule (impact) selectors" lines. */
async function axe(page: Page): Promise<string[]> {
	if (!(await page.evaluate(() => Boolean((window as AxeWindow).axe)))) {
		await page.evaluate(AXE_SOURCE);
	}
	return page.evaluate(async (tags) => {
		// Only violations come back: passes and inapplicable rules would be serialised for nothing.
		const { violations } = await (window as AxeWindow).axe!.run(document, {
			runOnly: { type: 'tag', values: tags },
			resultTypes: ['violations']
		});
		return violations.map(
			(v) =>
				`axe ${v.id} (${v.impact}) ${v.nodes
					.slice(0, 6)
					.map((n) => n.target.join(' '))
					.join(' | ')}`
		);
	}, AXE_TAGS);
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
			// Not shown: display:none, visibility:hidden, or inside a closed <details>, whose
			// content Chromium skips with content-visibility — a box measured there is the stale
			// one of the last forced layout (axe forces one), not what anyone can tap.
			if (!target.checkVisibility({ visibilityProperty: true })) continue;
			const box = target.getBoundingClientRect();
			if (box.width === 0 || box.height === 0) continue;
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

/**
 * With text at 1.4×, what sticks out of a `width` px screen (empty when nothing does). Measured
 * against the screen's width, not `innerWidth`: a mobile browser zooms out to fit content wider
 * than the screen, and `innerWidth` (the visual viewport) grows with it, so the page would
 * always seem to fit.
 */
async function overflowAt14(page: Page, width: number): Promise<string[]> {
	return page.evaluate(async (width) => {
		const root = document.documentElement;
		const base = parseFloat(getComputedStyle(root).fontSize);
		root.style.setProperty('font-size', `${base * 1.4}px`, 'important');
		await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
		const found: string[] = [];
		if (root.scrollWidth > width) {
			for (const el of document.body.querySelectorAll('*')) {
				const box = el.getBoundingClientRect();
				if (box.right <= width + 1 || box.width === 0) continue;
				// Report the innermost culprits only.
				const child = [...el.children].some((c) => c.getBoundingClientRect().right > width + 1);
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
			found.unshift(`scrollWidth ${root.scrollWidth} > ${width}`);
		}
		root.style.removeProperty('font-size');
		return found;
	}, width);
}

/** Loads `visit` and waits for its ready signal; what went wrong, if anything. */
async function open(page: Page, visit: Visit, where: string): Promise<string[]> {
	const response = await page.goto(server.publicUrl(visit.path), { waitUntil: 'load' });
	progress(`${where} loaded`);
	const found: string[] = [];
	if (!response || response.status() >= 400) found.push(`HTTP ${response?.status()}`);
	if (visit.ready) {
		await visit.ready(page).catch((e: Error) => {
			found.push(`never ready: ${e.message.split('\n')[0]}`);
		});
	}
	return found;
}

/** What one page, as it is now, fails of the checks of the file's comment. */
async function check(
	page: Page,
	opts: { axe: boolean; min: number; overflow: boolean }
): Promise<string[]> {
	const found = opts.axe ? await axe(page) : [];
	for (const t of await smallTargets(page, opts.min)) found.push(`target ${t}`);
	if (opts.overflow) {
		const overflow = await overflowAt14(page, PHONE.viewport.width);
		if (overflow.length) found.push(`overflow at 1.4× ${overflow.join(' | ')}`);
	}
	return found;
}

async function newContext(browser: Browser, role: Role, device: object): Promise<BrowserContext> {
	const context = await browser.newContext({
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		...device
	});
	await context.addCookies((cookies[role] ?? []).map((c) => ({ ...c, url: server.origin })));
	return context;
}

/** Every page `role` sees: on the phone in both modes, then its laptop pages at 1280 px. */
async function sweep(browser: Browser, role: Role) {
	const findings: string[] = [];
	const errors: string[] = [];
	const mine = visits.filter((v) => v.roles.includes(role) && (!ONLY || ONLY.test(v.route)));
	const laptop = STAFF.includes(role) ? mine.filter((v) => v.laptop) : [];
	const report = (where: string, lines: string[]) => {
		for (const line of lines) {
			findings.push(`${where}: ${line}`);
			progress(`${where}: ${line}`);
		}
	};
	const watch = (page: Page) =>
		page.on('pageerror', (e) => errors.push(`${role} ${page.url()}: ${e.message}`));

	const phone = await newContext(browser, role, PHONE);
	try {
		const page = await phone.newPage();
		watch(page);
		const html = page.locator('html');
		const largeSwitch = page.getByRole('button', { name: '长辈版', exact: true });
		// The mode the next page arrives in: the switch's cookie carries it from page to page.
		let large = false;
		for (const visit of mine) {
			const where = (mode: boolean) => `[360 ${mode ? '长辈版' : 'zh-CN'}] ${role} ${visit.path}`;
			report(where(large), await open(page, visit, where(large)));
			// Served from the cookie (contract §10): the attribute is in the server's HTML.
			if (large) await expect(html).toHaveAttribute('data-large', '1');
			else await expect(html).not.toHaveAttribute('data-large');
			for (const mode of [large, !large]) {
				if (mode !== large) {
					if (visit.coversFrame) {
						if (mode) await phone.addCookies([{ ...LARGE_COOKIE, url: server.origin }]);
						else await phone.clearCookies({ name: LARGE_COOKIE.name });
						report(where(mode), await open(page, visit, where(mode)));
					} else {
						await largeSwitch.click();
						await expect(largeSwitch).toHaveAttribute('aria-pressed', String(mode));
						// Tapped before the page's script ran, the switch is a form post that brings
						// the page back in the other mode: then it loads and connects again.
						await page.waitForLoadState('load');
						if (visit.ready) await visit.ready(page);
					}
					if (mode) await expect(html).toHaveAttribute('data-large', '1');
					else await expect(html).not.toHaveAttribute('data-large');
				}
				const lines = await check(page, {
					axe: !mode || visit.largeMarkup === true,
					min: mode ? 60 : 44,
					overflow: true
				});
				report(where(mode), lines);
			}
			large = !large;
		}
	} finally {
		await phone.close();
	}

	if (laptop.length) {
		const desk = await newContext(browser, role, LAPTOP);
		try {
			const page = await desk.newPage();
			watch(page);
			for (const visit of laptop) {
				const where = `[1280 zh-CN] ${role} ${visit.path}`;
				report(where, await open(page, visit, where));
				report(where, await check(page, { axe: true, min: 44, overflow: false }));
			}
		} finally {
			await desk.close();
		}
	}

	console.log(
		`a11y ${role}: ${mine.length} pages at 360 px in both modes, ${laptop.length} at 1280 px, ${findings.length} findings`
	);
	expect(findings, findings.join('\n')).toEqual([]);
	expect(errors).toEqual([]);
}

test('the sweep covers every page route', () => {
	const routes = new Set(visits.map((v) => v.route));
	const files = readdirSync(new URL('../../src/routes', import.meta.url), { recursive: true })
		.map(String)
		.filter((f) => f.endsWith('+page.svelte'))
		.map((f) => `/${f.replace(/\\/g, '/').replace(/\/?\+page\.svelte$/, '')}`);
	expect(files.filter((f) => !routes.has(f))).toEqual([]);
});

for (const role of ROLES) {
	test(`${role}: every page passes axe, fits 360 px at 1.4× text and has large enough targets`, async ({
		browser
	}) => {
		test.setTimeout(300_000);
		await sweep(browser, role);
	});
}
