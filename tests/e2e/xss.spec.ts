/**
 * The XSS battery, on the production build started by the integration harness: a corpus of
 * payloads goes, through the public API and the Yjs socket, into every field that is shown back
 * to someone; then every page that shows those fields is opened in Chromium as the role that
 * sees it, and not one payload may run.
 *
 * Each payload calls `__xss(<n>)` with n = field × 100 + payload, so a failure names both. The
 * pages are opened with the Content-Security-Policy bypassed: the policy (svelte.config.js) would
 * block an injected inline script anyway, and what is tested here is that the render points
 * never make markup of text in the first place. Besides the hook, a dialog, an uncaught error
 * and — after the page settled — a scan of the DOM for inline handlers, `javascript:` / `data:`
 * targets, `srcdoc` and CSS `expression`/`url(javascript:…)` count as failures: a link field
 * holding `javascript:` must never become a clickable href (src/lib/safe-href.ts).
 *
 * Bounded (`npm test`): every payload in every list field (a few to a row, so the pages stay
 * quick), as many as fit in each single-valued field, each page once in zh-CN. `npm run torture` sets YISHI_BATTERY_XSS_FULL=1:
 * each page again in en and zh-TW, and in large mode (长辈版).
 *
 * Prints `battery: xss <P> payloads × <F> fields, <K> pages opened, 0 script executions`.
 */
import { randomBytes } from 'node:crypto';
import { expect, test, type Browser, type BrowserContext, type Page } from '@playwright/test';
import * as Y from 'yjs';
import {
	ApiClient,
	adminClient,
	expectStatus,
	joinAs,
	startServer,
	tokenOf,
	whenSynced,
	yjsProvider,
	type InviteView,
	type ServerHandle,
	type SessionView
} from '../integration/harness';
import { PHONE_360 } from './phones';

const FULL = process.env.YISHI_BATTERY_XSS_FULL === '1';

/** The corpus: each template gets the number its call reports. */
const TEMPLATES: ((n: number) => string)[] = [
	(n) => `<script>__xss(${n})</script>`,
	(n) => `<img src=x onerror=__xss(${n})>`,
	(n) => `<svg onload=__xss(${n})>`,
	(n) => `<svg><script>__xss(${n})</script></svg>`,
	(n) => `"><img src=x onerror=__xss(${n})>`,
	(n) => `'><svg/onload=__xss(${n})>`,
	(n) => `" onmouseover="__xss(${n})" x="`,
	(n) => `</title><script>__xss(${n})</script>`,
	(n) => `</textarea><img src=x onerror=__xss(${n})>`,
	(n) => `</script><script>__xss(${n})</script>`,
	(n) => `javascript:__xss(${n})`,
	(n) => `JaVaScRiPt:__xss(${n})`,
	(n) => `java\tscript:__xss(${n})`,
	(n) => `&#106;avascript:__xss(${n})`,
	(n) => `data:text/html,<script>__xss(${n})</script>`,
	(n) => `[x](javascript:__xss(${n}))`,
	(n) => `![x](x" onerror="__xss(${n}))`,
	(n) => `<a href="javascript:__xss(${n})">x</a>`,
	(n) => `&lt;img src=x onerror=__xss(${n})&gt;`,
	(n) => `&#60;script&#62;__xss(${n})&#60;/script&#62;`,
	(n) => `\\u003cimg src=x onerror=__xss(${n})\\u003e`,
	(n) => `＜script＞__xss(${n})＜/script＞`,
	(n) => `<scr<script>ipt>__xss(${n})</script>`,
	(n) => `<iframe srcdoc="<script>parent.__xss(${n})</script>">`,
	(n) => `<div style="background:url(javascript:__xss(${n}))">`,
	(n) => `<p style="width:expression(__xss(${n}))">`,
	(n) => `<noscript><p title="</noscript><img src=x onerror=__xss(${n})>">`,
	(n) => `<math><mtext><table><mglyph><style><img src=x onerror=__xss(${n})>`,
	(n) => `<!--<img src="--><img src=x onerror=__xss(${n})//">`,
	(n) => `<details open ontoggle=__xss(${n})>`,
	(n) => `<input autofocus onfocus=__xss(${n})>`,
	(n) => `<body onload=__xss(${n})>`,
	(n) => `<video><source onerror=__xss(${n})>`,
	(n) => `<object data="javascript:__xss(${n})">`,
	(n) => `<embed src="javascript:__xss(${n})">`,
	(n) => `<svg><a xlink:href="javascript:__xss(${n})"><text>x</text></a></svg>`,
	(n) => `<meta http-equiv=refresh content="0;url=javascript:__xss(${n})">`,
	(n) => `<base href="javascript:__xss(${n})//">`,
	(n) => `{{constructor.constructor('__xss(${n})')()}}`,
	(n) => `\${__xss(${n})}`,
	(n) => `{@html '<img src=x onerror=__xss(${n})>'}`,
	(n) => `'-__xss(${n})-'`
];
const P = TEMPLATES.length;

/** The fields, by number; `payloads(field)` gives that field's corpus. */
const FIELDS: string[] = [];
function field(name: string): number {
	FIELDS.push(name);
	return FIELDS.length;
}
const payloads = (f: number) => TEMPLATES.map((t, i) => t(f * 100 + i));
/** The payloads of a field that fit `max` characters (names and the like are short). */
const fitting = (f: number, max: number) => payloads(f).filter((p) => p.length <= max);
/** As many payloads as fit in one single-valued field of `max` characters, from `from` on. */
function packed(f: number, max: number, from = 0): string {
	const all = payloads(f);
	let out = '';
	for (let k = 0; k < all.length; k++) {
		const p = all[(from + k) % all.length]!;
		if ((out ? out.length + 1 : 0) + p.length > max) continue;
		out = out ? `${out} ${p}` : p;
	}
	return out;
}
/**
 * The whole corpus of a field as few rows as fit `max` characters each (a long list of rows
 * only makes the pages slower: what matters is that every payload is in the field).
 */
function rows(f: number, max: number, sep = ' '): string[] {
	const out: string[] = [];
	for (const p of payloads(f)) {
		const last = out.at(-1);
		if (last !== undefined && last.length + sep.length + p.length <= max) {
			out[out.length - 1] = `${last}${sep}${p}`;
		} else out.push(p);
	}
	return out;
}
/** The link-like payloads (a field that holds a URL). */
const linkPayloads = (f: number) =>
	payloads(f).filter((p) => /^(java|JaVa|&#106;|data:)/.test(p) || p.startsWith('[x]'));

/** Runs `fn` over `list`, `width` at a time (the server is shared with other engineers' tests). */
async function each<T>(list: T[], fn: (x: T, i: number) => Promise<unknown>, width = 6) {
	let next = 0;
	const lane = async () => {
		while (next < list.length) {
			const i = next++;
			await fn(list[i]!, i);
		}
	};
	await Promise.all(Array.from({ length: width }, lane));
}

const PHONE = {
	...PHONE_360,
	deviceScaleFactor: 2
};

interface Watch {
	executions: string[];
	problems: string[];
	pages: number;
	/** Seconds per page opened, for the slowest few in the figures. */
	timings: [string, number][];
}

/** A browser context for one role: the hook, dialogs and errors reported into `watch`. */
async function contextFor(
	browser: Browser,
	origin: string,
	watch: Watch,
	label: string,
	cookies: ApiClient | null,
	locale = 'zh-CN',
	large = false
): Promise<BrowserContext> {
	const context = await browser.newContext({ ...PHONE, locale, bypassCSP: true });
	await context.exposeBinding('__xssReport', ({ frame }, n: number) => {
		watch.executions.push(
			`${label}: __xss(${n}) [${FIELDS[Math.floor(n / 100) - 1]} #${n % 100}] in ${frame.url()}`
		);
	});
	// In every frame (an injected iframe too), before any of the page's own code.
	await context.addInitScript(() => {
		const report = (window as unknown as { __xssReport(n: number): void }).__xssReport;
		Object.defineProperty(window, '__xss', { value: (n: number) => report(n), writable: false });
	});
	const url = new URL(origin);
	const jar = [...(cookies?.cookies.values() ?? [])].map((c) => ({
		name: c.name,
		value: c.value,
		domain: url.hostname,
		path: '/'
	}));
	if (large) jar.push({ name: 'yishi_large', value: '1', domain: url.hostname, path: '/' });
	if (locale !== 'zh-CN') {
		jar.push({ name: 'PARAGLIDE_LOCALE', value: locale, domain: url.hostname, path: '/' });
	}
	if (jar.length) await context.addCookies(jar);
	context.on('page', (page) => watchPage(page, label, watch));
	return context;
}

function watchPage(page: Page, label: string, watch: Watch) {
	page.on('dialog', (dialog) => {
		watch.executions.push(`${label}: dialog "${dialog.message()}" on ${page.url()}`);
		void dialog.dismiss();
	});
	page.on('pageerror', (error) =>
		watch.problems.push(`${label}: uncaught ${error.message} on ${page.url()}`)
	);
	page.on('console', (msg) => {
		if (msg.type() === 'error' && /__xss/.test(msg.text())) {
			watch.problems.push(`${label}: console ${msg.text()}`);
		}
	});
}

/** What the DOM may never hold once text was rendered: markup made of a payload. */
function scanDom(): string[] {
	const bad: string[] = [];
	const strip = (v: string) =>
		// eslint-disable-next-line no-control-regex -- the whitespace a URL scheme may hide behind
		v.replace(/[\u0000-\u0020\u00a0]/g, '').toLowerCase();
	for (const el of Array.from(document.querySelectorAll('*'))) {
		for (const a of Array.from(el.attributes)) {
			const name = a.name.toLowerCase();
			const value = strip(a.value);
			if (name.startsWith('on')) bad.push(`<${el.localName} ${name}>`);
			if (name === 'srcdoc') bad.push(`<${el.localName} srcdoc>`);
			if (
				['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'poster'].includes(name) &&
				/^(javascript|vbscript|data:text\/html|data:image\/svg)/.test(value)
			) {
				bad.push(`<${el.localName} ${name}="${a.value.slice(0, 60)}">`);
			}
			if (name === 'style' && /expression\(|url\(javascript/.test(value)) {
				bad.push(`<${el.localName} style="${a.value.slice(0, 60)}">`);
			}
		}
		if (el.localName === 'script' && /^\s*(parent\.)?__xss/.test(el.textContent ?? '')) {
			bad.push('<script>__xss…</script>');
		}
		if (['iframe', 'object', 'embed', 'base', 'meta'].includes(el.localName)) {
			const http = el.getAttribute('http-equiv');
			if (el.localName !== 'meta' || (http && /refresh/i.test(http))) bad.push(`<${el.localName}>`);
		}
	}
	// Every href the page would follow on a tap.
	for (const a of Array.from(document.querySelectorAll<HTMLAnchorElement>('a[href], area[href]'))) {
		const protocol = new URL(a.href, location.href).protocol;
		if (!['http:', 'https:', 'mailto:', 'tel:', 'sms:', 'blob:'].includes(protocol)) {
			bad.push(`clickable ${protocol} link "${a.getAttribute('href')?.slice(0, 60)}"`);
		}
	}
	return bad;
}

/**
 * Opens one page, waits until `shows` is on it (the live content rendered) and every image
 * finished loading or failing (so an `onerror` would have fired), then scans the DOM.
 */
async function open(
	context: BrowserContext,
	watch: Watch,
	label: string,
	url: string,
	shows: string | RegExp,
	then?: (page: Page) => Promise<void>
) {
	const t0 = Date.now();
	const page = await context.newPage();
	await page.goto(url);
	await expect(page.getByText(shows).first(), `${label} ${url} shows its content`).toBeAttached();
	if (then) await then(page);
	await page.waitForFunction(() => Array.from(document.images).every((i) => i.complete));
	for (const frame of page.frames()) {
		for (const bad of await frame.evaluate(scanDom)) watch.problems.push(`${label} ${url}: ${bad}`);
	}
	watch.pages += 1;
	watch.timings.push([`${label} ${new URL(url).pathname}`, (Date.now() - t0) / 1000]);
	await page.close();
}

let server: ServerHandle;
test.beforeAll(async () => {
	server = await startServer();
});
test.afterAll(async () => {
	await server?.dispose();
});

test('no payload runs in any field on any page that shows it', async ({ browser }) => {
	test.setTimeout(FULL ? 900_000 : 420_000);
	const started = Date.now();
	const suffix = randomBytes(3).toString('hex');
	const admin = await adminClient(server);
	const ok = <T>(res: Parameters<typeof expectStatus<T>>[0], status: number, what: string) =>
		expectStatus<T>(res, status, what);

	// --- Street, community and staff (names shown on /, /admin, /street, /c, audit) -------------
	const fStreet = field('street name');
	const street = ok<{ id: string }>(
		await admin.post('/api/v1/streets', { name: packed(fStreet, 100) }),
		201,
		'street'
	);
	const fCommunity = field('community name');
	const community = ok<{ id: string }>(
		await admin.post(`/api/v1/streets/${street.id}/communities`, {
			name: packed(fCommunity, 100, 3)
		}),
		201,
		'community'
	);
	const cid = community.id;
	const staff = async (role: 'moderator' | 'street', extra: Record<string, unknown>) => {
		const username = `${role}-${suffix}`;
		const password = `${role}-pw-${suffix}-xss`;
		ok(await admin.post('/api/v1/users', { username, password, role, ...extra }), 201, role);
		const client = new ApiClient(server);
		ok(await client.login(username, password), 200, `${role} login`);
		return client;
	};
	const mod = await staff('moderator', { communityId: cid });
	const official = await staff('street', { streetId: street.id });
	ok(
		await admin.request('PATCH', `/api/v1/communities/${cid}`, {
			json: { opinionHandThreshold: 1 }
		}),
		200,
		'threshold'
	);

	// --- Households (the register and the seat slips show building and unit) ------------------
	const fBuilding = field('household building');
	const csv = (p: string) => `"${p.replace(/"/g, '""')}"`;
	const buildings = fitting(fBuilding, 60).slice(0, 12);
	ok(
		await mod.request('POST', `/api/v1/communities/${cid}/households`, {
			body:
				'building,unit,area,owner\n' +
				buildings.map((b, i) => `${csv(b)},${101 + i},80.00,owner-${i}`).join('\n') +
				'\n',
			headers: { 'content-type': 'text/csv' }
		}),
		200,
		'households'
	);

	// --- The session: title, items (titles, proposal body) ------------------------------------
	const fSession = field('session title');
	const fItem = field('item title');
	const fBody = field('item body (proposal)');
	const session = ok<SessionView>(
		await mod.post('/api/v1/sessions', {
			title: `议事 ${packed(fSession, 190)}`,
			kind: 'live',
			items: rows(fItem, 200).map((title, i) => ({
				title,
				body: i === 0 ? payloads(fBody).join('\n') : undefined
			}))
		}),
		201,
		'session'
	);
	const sid = session.id;
	const item = session.items[0]!;
	const other = session.items[1]!;
	ok(await mod.post(`/api/v1/sessions/${sid}/current`, { itemId: item.id }), 200, 'current');

	// --- The proposal through Yjs: text, link marks with unsafe targets, odd nodes -------------
	const fYjs = field('proposal (Yjs)');
	const doc = new Y.Doc();
	const provider = yjsProvider(server, mod, item.docName, doc);
	try {
		await whenSynced(provider);
		const blocks: Y.XmlElement[] = [];
		for (const p of payloads(fYjs)) {
			const para = new Y.XmlElement('paragraph');
			const text = new Y.XmlText();
			text.insert(0, p);
			text.insert(p.length, ` ${p}`, { link: { href: p.replace(/^\[x\]\(|\)$/g, '') } });
			para.insert(0, [text]);
			blocks.push(para);
		}
		const heading = new Y.XmlElement('heading');
		heading.setAttribute('level', `1" onclick="__xss(${fYjs * 100 + 99})`);
		heading.insert(0, [new Y.XmlText('heading')]);
		const odd = new Y.XmlElement('img');
		odd.setAttribute('src', 'x');
		odd.setAttribute('onerror', `__xss(${fYjs * 100 + 98})`);
		odd.insert(0, [new Y.XmlText('odd node')]);
		doc.getXmlFragment('prosemirror').insert(0, [...blocks, heading, odd]);
		// One round trip: the server has the update before anyone reads the proposal.
		await expect.poll(async () => (await mod.get(`/api/v1/sessions/${sid}`)).status).toBe(200);
	} finally {
		setTimeout(() => provider.destroy(), 2000).unref();
	}

	// --- Participants: names (join), statements, hands, comments, amendments -------------------
	const invite = ok<InviteView>(
		await mod.post(`/api/v1/sessions/${sid}/invites`, { role: 'owner' }),
		201,
		'invite'
	);
	const fName = field('participant name');
	const names = fitting(fName, 40);
	const people: Awaited<ReturnType<typeof joinAs>>[] = [];
	await each(names, async (name, i) => {
		people[i] = await joinAs(server, tokenOf(invite.url), name);
	});
	const resident = people[0]!;
	const fStatement = field('statement');
	// In order: the last ones are hidden below, the first stays readable to everyone.
	for (const [i, text] of rows(fStatement, 300, '\n').entries()) {
		const who = people[i % people.length]!;
		ok(await who.post(`/api/v1/sessions/${sid}/statements`, { text }), 201, 'statement');
	}
	for (const who of people.slice(0, 8)) {
		ok(
			await mod.post(`/api/v1/sessions/${sid}/hands`, { participantId: who.participant.id }),
			201,
			'hand'
		);
	}
	const fMinutes = field('minutes');
	const fSpeaker = field('minutes speaker');
	const speakers = rows(fSpeaker, 100);
	await each(rows(fMinutes, 300, '\n'), async (text, i) => {
		ok(
			await mod.post(`/api/v1/sessions/${sid}/minutes`, {
				text,
				speaker: speakers[i % speakers.length]
			}),
			201,
			'minutes'
		);
	});
	const fComment = field('comment');
	const [rootComment, ...replies] = rows(fComment, 300, '\n');
	const root = ok<{ id: string }>(
		await resident.post(`/api/v1/items/${item.id}/comments`, {
			text: rootComment,
			stance: 'concern'
		}),
		201,
		'comment'
	);
	await each(replies, async (text, i) => {
		const who = people[(i + 1) % people.length]!;
		ok(
			await who.post(`/api/v1/items/${item.id}/comments`, {
				text,
				stance: 'question',
				...(i % 3 === 0 ? { replyTo: root.id } : {})
			}),
			201,
			'comment'
		);
	});
	const fAmendText = field('amendment text');
	const fAmendReason = field('amendment reason');
	const reasons = rows(fAmendReason, 300, '\n');
	const firstText = (doc.getXmlFragment('prosemirror').get(0) as Y.XmlElement).get(0) as Y.XmlText;
	const anchor = {
		start: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(firstText, 0)),
		end: Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(firstText, 8))
	};
	await each(rows(fAmendText, 300, '\n'), async (text, i) => {
		const who = people[i % people.length]!;
		ok(
			await who.post(`/api/v1/items/${item.id}/amendments`, {
				anchor,
				text,
				reason: reasons[i]
			}),
			201,
			'amendment'
		);
	});

	// --- Hide reasons: a statement and a comment hidden with a payload as the reason ------------
	const fHide = field('hide reason');
	const transcript = ok<{ entries: { type: string; data: Record<string, unknown> }[] }>(
		await mod.get(`/api/v1/sessions/${sid}/transcript`),
		200,
		'transcript'
	);
	const statementIds = transcript.entries
		.filter((e) => e.type === 'statement')
		.map((e) => String(e.data.id ?? e.data.statementId));
	for (const [i, id] of statementIds.slice(-2).entries()) {
		ok(
			await mod.post('/api/v1/moderation/hide', {
				kind: 'statement',
				id,
				reason: packed(fHide, 500, i * 13)
			}),
			200,
			'hide'
		);
	}

	// --- Votes: question, option labels, notices (text, place, link), early-open reason ---------
	const fQuestion = field('vote question');
	const fOption = field('vote option label');
	const fNoticeText = field('notice text');
	const fNoticePlace = field('notice place');
	const fNoticeLink = field('notice link');
	const vote = ok<{ id: string }>(
		await mod.post(`/api/v1/items/${item.id}/votes`, {
			question: packed(fQuestion, 500),
			kind: 'single',
			options: rows(fOption, 200)
				.slice(0, 50)
				.map((label) => ({ label })),
			secret: false,
			tally: 'live',
			eligibility: 'participants',
			rule: { kind: 'majority_cast' }
		}),
		201,
		'vote'
	);
	const voteNotice = ok<{ id: string }>(
		await mod.post(`/api/v1/votes/${vote.id}/notice`, {
			text: payloads(fNoticeText).join('\n'),
			place: packed(fNoticePlace, 200),
			link: linkPayloads(fNoticeLink)[0]
		}),
		201,
		'vote notice'
	);
	const sessionNotice = ok<{ id: string }>(
		await mod.post(`/api/v1/sessions/${sid}/notice`, {
			text: payloads(fNoticeText).reverse().join('\n'),
			place: packed(fNoticePlace, 200, 7),
			link: linkPayloads(fNoticeLink)[4]
		}),
		201,
		'session notice'
	);
	const fOpenReason = field('early-open reason');
	ok(
		await mod.post(`/api/v1/votes/${vote.id}/open`, { reason: packed(fOpenReason, 1000) }),
		200,
		'open vote'
	);

	// --- Stream link, cost schemes, outcome and progress ---------------------------------------
	const fStream = field('stream link');
	const streamLinks = linkPayloads(fStream);
	let streamAccepted = 0;
	for (const streamUrl of streamLinks) {
		const res = await mod.post(`/api/v1/sessions/${sid}/settings`, { streamUrl });
		// A target the server refuses (400) is as good as one it keeps and never links.
		expect([200, 400], `stream link ${streamUrl}: ${res.text}`).toContain(res.status);
		if (res.status === 200) streamAccepted += 1;
	}
	const fScheme = field('cost scheme title');
	for (const title of rows(fScheme, 200)) {
		ok(
			await mod.post(`/api/v1/items/${item.id}/cost-schemes`, {
				title,
				total: 1000,
				method: { kind: 'area' }
			}),
			201,
			'cost scheme'
		);
	}
	const fOutcome = field('outcome text');
	const fOwner = field('outcome owner');
	ok(
		await mod.post(`/api/v1/items/${item.id}/outcome`, {
			text: payloads(fOutcome).join('\n'),
			owner: packed(fOwner, 200),
			due: `<b>__xss</b>`
		}),
		200,
		'outcome'
	);
	const fProgress = field('progress text');
	for (const text of rows(fProgress, 300, '\n')) {
		ok(
			await mod.post(`/api/v1/items/${item.id}/progress`, { text, status: 'in_progress' }),
			201,
			'progress'
		);
	}

	// --- Escalation: the note, and the street's answer ------------------------------------------
	const fNote = field('escalation note');
	const fAnswer = field('escalation answer');
	ok(await mod.post(`/api/v1/items/${other.id}/status`, { status: 'unresolved' }), 200, 'status');
	const escalation = ok<{ id: string }>(
		await mod.post(`/api/v1/items/${other.id}/escalations`, {
			note: payloads(fNote).join('\n')
		}),
		201,
		'escalation'
	);

	// --- Community board: opinions, answers, project, milestones, ratings ----------------------
	const communityInvite = ok<InviteView>(
		await mod.post(`/api/v1/communities/${cid}/invites`, { role: 'resident' }),
		201,
		'community invite'
	);
	const neighbour = await joinAs(server, tokenOf(communityInvite.url), fitting(fName, 40)[1]!);
	const fOpinionTitle = field('opinion title');
	const fOpinionText = field('opinion text');
	const fResponse = field('opinion answer');
	const titles = rows(fOpinionTitle, 100);
	const opinionIds: string[] = [];
	const texts = rows(fOpinionText, 300, '\n');
	const opinions = Array.from({ length: Math.max(titles.length, texts.length) }, (_, i) => i);
	await each(opinions, async (i) => {
		const text = texts[i % texts.length];
		const made = ok<{ id: string }>(
			await neighbour.post(`/api/v1/communities/${cid}/opinions`, {
				title: titles[i % titles.length],
				text
			}),
			201,
			'opinion'
		);
		opinionIds[i] = made.id;
	});
	await each(rows(fResponse, 300, '\n'), async (text, i) => {
		ok(await mod.post(`/api/v1/opinions/${opinionIds[i]}/responses`, { text }), 201, 'answer');
	});
	ok(
		await mod.post('/api/v1/moderation/hide', {
			kind: 'opinion',
			id: opinionIds.at(-1),
			reason: packed(fHide, 500, 39)
		}),
		200,
		'hide opinion'
	);
	ok(await neighbour.post(`/api/v1/opinions/${opinionIds[0]}/hands`), 200, 'hand up');
	const project = ok<{ projectId: string; sessionId: string }>(
		await mod.post(`/api/v1/opinions/${opinionIds[0]}/project`, {}),
		201,
		'project'
	);
	const fMilestone = field('project update');
	for (const text of rows(fMilestone, 300, '\n')) {
		ok(
			await mod.post(`/api/v1/projects/${project.projectId}/milestones`, { text }),
			201,
			'milestone'
		);
	}
	ok(
		await mod.post(`/api/v1/projects/${project.projectId}/notice`, { days: 1 }),
		200,
		'project notice'
	);
	const fRating = field('rating comment');
	ok(
		await neighbour.post(`/api/v1/projects/${project.projectId}/ratings`, {
			stars: 4,
			comment: packed(fRating, 500)
		}),
		201,
		'rating'
	);

	const setupSeconds = ((Date.now() - started) / 1000).toFixed(0);
	console.log(`xss setup ${setupSeconds} s`);
	// --- Open the live pages, as the role that sees each -----------------------------------------
	const watch: Watch = { executions: [], problems: [], pages: 0, timings: [] };
	const origin = server.origin;
	const url = (p: string) => `${origin}${p}`;
	const shown = (f: number, i = 0) => payloads(f)[i]!;
	const variants: { locale: string; large: boolean }[] = FULL
		? [
				{ locale: 'zh-CN', large: false },
				{ locale: 'zh-CN', large: true },
				{ locale: 'en', large: false },
				{ locale: 'zh-TW', large: false }
			]
		: [{ locale: 'zh-CN', large: false }];

	const live = async (locale: string, large: boolean) => {
		const tag = `${locale}${large ? ' large' : ''}`;
		const owner = await contextFor(browser, origin, watch, `owner ${tag}`, resident, locale, large);
		await open(owner, watch, 'owner', url(`/s/${sid}`), shown(fStatement), async (page) => {
			// The proposal as the reader renders it, then in the editor (Tiptap on the same Yjs).
			await expect(page.getByText(shown(fYjs)).first()).toBeAttached();
			await page
				.locator('button')
				.filter({ hasText: /^(编辑|編輯|Edit)$/ })
				.first()
				.click();
			await expect(page.locator('.proposal-text')).toBeVisible();
			await expect(page.locator('.proposal-text').getByText(shown(fYjs)).first()).toBeAttached();
		});
		await open(owner, watch, 'owner', url('/notifications'), /./);
		await owner.close();

		const moderator = await contextFor(
			browser,
			origin,
			watch,
			`moderator ${tag}`,
			mod,
			locale,
			large
		);
		const pages: [string, string | RegExp][] = [
			[`/s/${sid}/console`, shown(fStatement)],
			[`/s/${sid}/projector`, shown(fItem, 0)],
			[`/sessions/${sid}`, shown(fItem, 0)],
			[`/sessions/${sid}/print`, /./],
			[`/s/${sid}/slips`, shown(fBuilding)],
			[`/sessions/${sid}/digest`, /./],
			[`/notices/${voteNotice.id}`, shown(fNoticeText)],
			[`/notices/${sessionNotice.id}`, shown(fNoticeText)],
			[`/votes/${vote.id}/turnout`, /./],
			[`/c/${cid}`, shown(fOpinionText)],
			[`/c/${cid}/audit`, /./],
			[`/c/${cid}/settings`, /./],
			[`/c/${cid}/links`, /./],
			[`/projects/${project.projectId}`, shown(fMilestone)],
			[`/s/${project.sessionId}`, /./]
		];
		await each(pages, ([path, shows]) => open(moderator, watch, 'moderator', url(path), shows), 3);
		await moderator.close();

		const streetCtx = await contextFor(
			browser,
			origin,
			watch,
			`street ${tag}`,
			official,
			locale,
			large
		);
		await open(streetCtx, watch, 'street', url('/street'), other.title.slice(0, 20));
		await open(streetCtx, watch, 'street', url(`/street/${escalation.id}`), shown(fNote));
		await streetCtx.close();

		const adminCtx = await contextFor(browser, origin, watch, `admin ${tag}`, admin, locale, large);
		await open(adminCtx, watch, 'admin', url('/admin'), /./);
		await open(adminCtx, watch, 'admin', url('/'), /./);
		await adminCtx.close();
	};
	for (const v of variants) await live(v.locale, v.large);
	console.log(`xss live pages done ${((Date.now() - started) / 1000).toFixed(0)} s`);

	// --- The street answers; the session closes; the public record --------------------------------
	for (const step of ['accept', 'start']) {
		ok(await official.post(`/api/v1/escalations/${escalation.id}/${step}`), 200, step);
	}
	ok(
		await official.post(`/api/v1/escalations/${escalation.id}/answer`, {
			text: payloads(fAnswer).join('\n')
		}),
		200,
		'answer'
	);
	ok(await mod.post(`/api/v1/sessions/${sid}/close`), 200, 'close');

	const archived = async (locale: string, large: boolean) => {
		const tag = `${locale}${large ? ' large' : ''}`;
		const visitor = await contextFor(browser, origin, watch, `visitor ${tag}`, null, locale, large);
		const pages: [string, string | RegExp][] = [
			[`/c/${cid}`, shown(fOpinionText)],
			[`/archive/${cid}`, /./],
			[`/archive/${cid}?q=${encodeURIComponent('__xss')}`, /./],
			[`/archive/s/${sid}`, shown(fMinutes)],
			[`/archive/s/${sid}/print`, shown(fMinutes)],
			[`/s/${sid}/history`, shown(fItem, 0)],
			// Markdown escapes the payload (\\<img …), so look for its number.
			[`/api/v1/sessions/${sid}/minutes.md`, new RegExp(`xss\\(${fMinutes * 100 + 1}\\)`)],
			[`/votes/${vote.id}/announcement`, /./],
			[`/notices/${voteNotice.id}`, shown(fNoticeText)],
			[`/projects/${project.projectId}`, shown(fRating, 0)],
			[`/street/${escalation.id}`, /./]
		];
		await each(pages, ([path, shows]) => open(visitor, watch, 'visitor', url(path), shows), 3);
		await visitor.close();
		const moderator = await contextFor(
			browser,
			origin,
			watch,
			`moderator ${tag}`,
			mod,
			locale,
			large
		);
		await open(moderator, watch, 'moderator', url(`/archive/s/${sid}`), shown(fMinutes));
		await open(moderator, watch, 'moderator', url(`/c/${cid}/audit`), /./);
		await moderator.close();
	};
	for (const v of variants) await archived(v.locale, v.large);

	// The Markdown minutes, read by any Markdown renderer (most pass raw HTML through): no tag,
	// comment or link target of a payload may survive unescaped.
	const markdown = (await new ApiClient(server).get(`/api/v1/sessions/${sid}/minutes.md`)).text;
	expect(markdown).toContain(`xss(${fMinutes * 100 + 1})`);
	expect(
		markdown.match(/(^|[^\\])<(?!https?:\/\/)[a-z!/?]/gim) ?? [],
		'unescaped tags in minutes.md'
	).toEqual([]);
	expect(markdown.match(/(^|[^\\])\]\(/gm) ?? [], 'unescaped link syntax in minutes.md').toEqual(
		[]
	);

	const seconds = ((Date.now() - started) / 1000).toFixed(0);
	console.log(
		watch.timings
			.sort((a, b) => b[1] - a[1])
			.slice(0, 8)
			.map(([what, s]) => `${what} ${s.toFixed(1)} s`)
			.join('\n')
	);
	console.log(
		`battery: xss ${P} payloads × ${FIELDS.length} fields, ${watch.pages} pages opened, ` +
			`${watch.executions.length} script executions`
	);
	console.log(
		`xss: ${streamAccepted}/${streamLinks.length} unsafe stream links accepted (never linked), ` +
			`${seconds} s for the test itself`
	);
	expect(watch.executions, 'payloads that ran').toEqual([]);
	expect(watch.problems, 'markup made of payloads, unsafe links, uncaught errors').toEqual([]);
});
