/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (8) A phone on a slow network: Chromium at 360 × 740 with WeChat's user agent and text at
 * 140 % (WeChat's larger font setting), on DevTools' "Slow 4G" profile (562.5 ms latency,
 * 1.44 Mbit/s down, 675 kbit/s up) and a 4× slower CPU, both through the DevTools protocol.
 *   joinToProposal  tap 加入 on the invite page → the proposal's text visible in the room
 *   coldReload      the room opened by a signed-in phone with an empty cache → text visible
 *   warmReload      the same page reloaded with the cache → text visible
 * and the scripts fetched before anyone taps 编辑 (bytes on the wire, from the protocol's
 * `encodedDataLength`), whether an editor chunk (ProseMirror/Tiptap) was among them, and web
 * fonts fetched (the budget is none). Each is measured `runs` times in a fresh context; the
 * median is the figure.
 */
import { launch } from '../lib/browser.js';
import { admin, sessionWithInvite } from '../lib/http.js';
import * as Y from 'yjs';
import { sleep, summarize } from '../lib/stats.js';
import { provider, whenSynced } from '../lib/yjs.js';

const SLOW_4G = { offline: false, latency: 562.5, downloadThroughput: 180_000, uploadThroughput: 84_375 };
const WECHAT_UA =
	'Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/4G Language/zh_CN ABI/arm64';
const MARK = '第一条　本方案用于小区电梯更新改造的费用分摊与施工安排';
const PARAGRAPH = '加装电梯涉及全体业主的共同利益，请各位业主认真阅读方案后发表意见。'.repeat(4);

/** Writes a proposal of about 10 KB of text (the first paragraph carries MARK) through Yjs. */
async function writeProposal(server, cookie, docName) {
	const doc = new Y.Doc();
	const writer = provider(server, cookie, docName, doc);
	await whenSynced(writer);
	const fragment = doc.getXmlFragment('prosemirror');
	doc.transact(() => {
		for (let i = 0; i < 30; i++) {
			const p = new Y.XmlElement('paragraph');
			p.insert(0, [new Y.XmlText(i === 0 ? `${MARK}。` : `${i}. ${PARAGRAPH}`)]);
			fragment.insert(fragment.length, [p]);
		}
	});
	// Stored once a fresh reader sees it.
	for (let i = 0; i < 50; i++) {
		await sleep(200);
		const check = new Y.Doc();
		const reader = provider(server, cookie, docName, check);
		await whenSynced(reader, 60_000);
		const seen = check.getXmlFragment('prosemirror').toString().includes(MARK);
		reader.destroy();
		if (seen) break;
	}
	writer.destroy();
}
const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

async function phoneContext(browser) {
	const context = await browser.newContext({
		viewport: { width: 360, height: 740 },
		isMobile: true,
		hasTouch: true,
		deviceScaleFactor: 2,
		locale: 'zh-CN',
		userAgent: WECHAT_UA
	});
	await context.addInitScript(() => {
		const style = () => {
			const s = document.createElement('style');
			s.textContent = 'html{font-size:140% !important}';
			document.head.append(s);
		};
		if (document.head) style();
		else document.addEventListener('DOMContentLoaded', style);
	});
	return context;
}

/** A page on Slow 4G + 4× CPU that counts scripts and fonts on the wire. */
async function throttled(context) {
	const page = await context.newPage();
	const cdp = await context.newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
	await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
	const kinds = new Map();
	const wire = { scripts: 0, scriptFiles: [], fonts: 0 };
	cdp.on('Network.responseReceived', (e) => kinds.set(e.requestId, { type: e.type, url: e.response.url }));
	cdp.on('Network.loadingFinished', (e) => {
		const r = kinds.get(e.requestId);
		if (!r) return;
		if (r.type === 'Script') {
			wire.scripts += e.encodedDataLength;
			wire.scriptFiles.push(new URL(r.url).pathname.split('/').pop());
		}
		if (r.type === 'Font') wire.fonts++;
	});
	const reset = () => {
		wire.scripts = 0;
		wire.scriptFiles = [];
		wire.fonts = 0;
	};
	return { page, wire, reset };
}

/**
 * When the proposal's text was first painted, in epoch ms. The room renders it on the server, so
 * when the document's HTML carries it, it is on screen at the first contentful paint; the
 * driver's own check (Playwright polls on the page's main thread, which a 4× slower CPU keeps
 * busy parsing scripts) comes later and is kept as `seen`.
 */
async function paintedAt(page, html) {
	if (!html.includes(MARK)) return null;
	const at = await page.evaluate(() => {
		const fcp = performance.getEntriesByName('first-contentful-paint')[0];
		return fcp ? performance.timeOrigin + fcp.startTime : null;
	});
	return at;
}

/** Waits for the room's document, the proposal on screen, and answers [painted, seen] (epoch ms). */
async function proposalShown(page, navigate) {
	const doc = page.waitForResponse((r) => r.request().resourceType() === 'document' && /\/s\//.test(r.url()), { timeout: 120_000 });
	await navigate();
	const html = await (await doc).text();
	await page.getByText(MARK).first().waitFor({ state: 'visible', timeout: 120_000 });
	const seen = Date.now();
	return [(await paintedAt(page, html)) ?? seen, seen];
}

const editorIn = (files) => files.filter((f) => /prosemirror|tiptap|ProposalEditor|editor/i.test(f));

export async function run(ctx) {
	const server = ctx.servers.main;
	const runs = ctx.params.runs ?? (ctx.quick ? 1 : 3);
	const adminApi = await admin(server);
	const { session, token } = await sessionWithInvite(adminApi, {
		title: '慢网络下的议事会',
		items: [{ title: '电梯更新方案' }]
	});
	await writeProposal(server, adminApi.cookieHeader(), session.items[0].docName);
	await adminApi.post(`/api/v1/sessions/${session.id}/current`, { itemId: session.items[0].id });
	const browser = await launch();
	const joins = [];
	const joinsSeen = [];
	const cold = [];
	const warm = [];
	let before = null;
	try {
		for (let i = 0; i < runs; i++) {
			const context = await phoneContext(browser);
			const { page, wire, reset } = await throttled(context);
			await page.goto(`${server.origin}/join/${encodeURIComponent(token)}`, { waitUntil: 'load', timeout: 120_000 });
			await page.fill('input[name=name]', `慢网居民${i + 1}`);
			reset();
			const t0 = Date.now();
			try {
				const [painted, seen] = await proposalShown(page, () => page.getByRole('button', { name: '加入', exact: true }).click());
				joins.push(painted - t0);
				joinsSeen.push(seen - t0);
			} catch (error) {
				await page.screenshot({ path: '/tmp/slow4g-fail.png' }).catch(() => {});
				ctx.log(`  at ${page.url()}: ${(await page.locator('main').innerText().catch(() => '')).slice(0, 600)}`);
				throw error;
			}
			// What the room fetched before anyone taps 编辑, once the network is quiet.
			await page.waitForLoadState('networkidle', { timeout: 120_000 });
			if (i === 0) before = { scriptsKb: kb(wire.scripts), files: wire.scriptFiles.length, fileNames: [...wire.scriptFiles], editorChunks: editorIn(wire.scriptFiles), fonts: wire.fonts };

			const cookies = await context.cookies();
			await context.close();
			// A cold reload: the same phone (its cookie) with an empty cache.
			const fresh = await phoneContext(browser);
			await fresh.addCookies(cookies);
			const again = await throttled(fresh);
			let t = Date.now();
			const [coldPainted] = await proposalShown(again.page, () => again.page.goto(`${server.origin}/s/${session.id}`, { waitUntil: 'commit', timeout: 120_000 }));
			cold.push(coldPainted - t);
			await again.page.waitForLoadState('networkidle', { timeout: 120_000 });
			const coldScripts = kb(again.wire.scripts);
			const coldFiles = [...again.wire.scriptFiles];
			again.reset();
			t = Date.now();
			const [warmPainted] = await proposalShown(again.page, () => again.page.reload({ waitUntil: 'commit', timeout: 120_000 }));
			warm.push(warmPainted - t);
			if (i === 0) Object.assign(before, { coldReloadScriptsKb: coldScripts, coldReloadFileNames: coldFiles });
			await fresh.close();
		}
	} finally {
		await browser.close();
	}
	const out = {
		profile: 'Slow 4G (562.5 ms, 1.44/0.675 Mbit/s) + 4× CPU, 360 × 740, WeChat UA, text 140 %',
		runs,
		joinToProposal: summarize(joins),
		joinToProposalSeenByDriver: summarize(joinsSeen),
		coldReload: summarize(cold),
		warmReload: summarize(warm),
		beforeEdit: before
	};
	ctx.log(
		`  tap 加入 → proposal visible p50 ${Math.round(out.joinToProposal.p50)} ms; cold reload ${Math.round(out.coldReload.p50)} ms; warm ${Math.round(out.warmReload.p50)} ms; JS before 编辑 ${before?.coldReloadScriptsKb} KB on the wire from an empty cache (${before?.scriptsKb} KB in ${before?.files} files after 加入, the invite page's scripts cached; editor chunks: ${before?.editorChunks.length}); fonts ${before?.fonts}`
	);
	return out;
}
