/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (7) Page weight: gzipped JavaScript each page makes a phone download, from Chromium's own
 * requests. "initial" = the scripts the server-rendered HTML points at (modulepreload links and
 * the entry imports: what the first paint needs); "loaded" = every script fetched by the time the
 * network is idle. The room is weighed from an empty cache (a phone opening its link again,
 * signed in): its "loaded" figure is everything a participant downloads before tapping 编辑,
 * the budget's "room JS before 编辑" (the invite page's scripts, cached when the room opens right
 * after joining, count too). "withEditor" adds what tapping 编辑 fetches. Sizes are the build's
 * precompressed .gz files (what the server sends to `Accept-Encoding: gzip`), or gzip -9 of the
 * file when there is none.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launch } from '../lib/browser.js';
import { admin, sessionWithInvite } from '../lib/http.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
// The build the bench runs (tests/tools/bench.js: BENCH_BUILD_DIR, relative to the repository).
const BUILD_DIR = path.resolve(ROOT, process.env.BENCH_BUILD_DIR || 'node_modules/.cache/yishi-bench-build');
const CLIENT = path.join(BUILD_DIR, 'client');
/**
 * The client's Vite manifest: the bench copies it beside a build it made; `npm run build` leaves
 * it in .svelte-kit (used when the bench runs the worktree's own build/ with --no-build).
 */
function manifestFile() {
	const copied = path.join(BUILD_DIR, 'bench-vite-manifest.json');
	if (existsSync(copied)) return copied;
	const kit = path.join(ROOT, '.svelte-kit/output/client/.vite/manifest.json');
	return existsSync(kit) ? kit : copied;
}

function gz(urlPath) {
	const file = path.join(CLIENT, decodeURIComponent(urlPath));
	if (existsSync(`${file}.gz`)) return { raw: statSync(file).size, gz: statSync(`${file}.gz`).size };
	if (!existsSync(file)) return { raw: 0, gz: 0, missing: true };
	const body = readFileSync(file);
	return { raw: body.length, gz: gzipSync(body, { level: 9 }).length };
}

/**
 * The scripts the first paint needs: the entry imports in the HTML plus the page's route nodes
 * (`node_ids`), closed over static imports with the build's Vite manifest.
 */
function initialClosure(html, url) {
	const manifest = manifestFile();
	const roots = [...html.matchAll(/import\("([^"]+\.js)"\)/g)].map((m) => new URL(m[1], url).pathname.slice(1));
	const nodeIds = (/node_ids:\s*\[([\d,\s]*)\]/.exec(html)?.[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
	const initial = new Set(roots.map((r) => `/${r}`));
	if (!existsSync(manifest)) return initial;
	const entries = JSON.parse(readFileSync(manifest, 'utf8'));
	const byFile = new Map(Object.entries(entries).map(([key, e]) => [e.file, key]));
	const keys = roots.map((f) => byFile.get(f)).filter(Boolean);
	for (const id of nodeIds) {
		const key = Object.keys(entries).find((k) => new RegExp(`nodes/${id}\\.js$`).test(k));
		if (key) keys.push(key);
	}
	const seen = new Set();
	const visit = (key) => {
		if (seen.has(key) || !entries[key]) return;
		seen.add(key);
		initial.add(`/${entries[key].file}`);
		for (const dep of entries[key].imports ?? []) visit(dep);
	};
	keys.forEach(visit);
	return initial;
}

const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

function sum(set) {
	let raw = 0;
	let gzBytes = 0;
	for (const p of set) {
		const s = gz(p);
		raw += s.raw;
		gzBytes += s.gz;
	}
	return { files: set.size, rawKb: kb(raw), gzKb: kb(gzBytes) };
}

async function weigh(page, url) {
	const scripts = new Set();
	const onResponse = (res) => {
		const u = new URL(res.url());
		if (u.pathname.endsWith('.js')) scripts.add(u.pathname);
	};
	page.on('response', onResponse);
	const response = await page.goto(url, { waitUntil: 'networkidle', timeout: 60_000 });
	await page.waitForTimeout(500);
	page.off('response', onResponse);
	const html = await response.text();
	const initial = initialClosure(html, url);
	const loaded = new Set([...scripts, ...initial]);
	const lazy = new Set([...loaded].filter((p) => !initial.has(p)));
	return { status: response.status(), finalPath: new URL(page.url()).pathname, initial: sum(initial), loaded: sum(loaded), lazy: sum(lazy), lazyFiles: [...lazy].map((p) => path.basename(p)), scripts: loaded };
}

/** Taps 编辑 on a weighed room and adds the scripts that brings (the editor's chunk). */
async function withEditor(page, room) {
	const more = new Set();
	const onResponse = (res) => {
		const u = new URL(res.url());
		if (u.pathname.endsWith('.js')) more.add(u.pathname);
	};
	page.on('response', onResponse);
	await page.getByRole('button', { name: '编辑', exact: true }).click();
	await page.locator('.ProseMirror').first().waitFor({ state: 'visible', timeout: 60_000 });
	await page.waitForLoadState('networkidle', { timeout: 60_000 });
	page.off('response', onResponse);
	const editor = new Set([...more].filter((p) => !room.scripts.has(p)));
	return { ...sum(new Set([...room.scripts, ...editor])), editorFiles: [...editor].map((p) => path.basename(p)) };
}

export async function run(ctx) {
	const server = ctx.servers.main;
	const adminApi = await admin(server);
	const { session, token } = await sessionWithInvite(adminApi, { title: '页面重量', items: [{ title: '电梯更新方案' }] });
	// The room as people meet it: an item under discussion, its proposal on screen.
	await adminApi.post(`/api/v1/sessions/${session.id}/current`, { itemId: session.items[0].id });
	const browser = await launch();
	const out = {};
	try {
		// The participant: invite page, then the room (after the form).
		const phone = await browser.newContext();
		const page = await phone.newPage();
		out.join = await weigh(page, `${server.origin}/join/${encodeURIComponent(token)}`);
		await page.fill('input[name=name]', '页面居民');
		await Promise.all([page.waitForURL(/\/s\//), page.getByRole('button', { name: '加入', exact: true }).click()]);
		const cookies = await phone.cookies();
		await phone.close();
		// The room from an empty cache, then with the editor.
		const cold = await browser.newContext();
		await cold.addCookies(cookies);
		const roomPage = await cold.newPage();
		out.room = await weigh(roomPage, `${server.origin}/s/${session.id}`);
		out.room.withEditor = await withEditor(roomPage, out.room);
		await cold.close();

		// The projector (a staff member's browser).
		const staff = await browser.newContext();
		const cookie = adminApi.cookies.get('session');
		await staff.addCookies([{ name: 'session', value: cookie, url: server.origin }]);
		const sp = await staff.newPage();
		out.projector = await weigh(sp, `${server.origin}/s/${session.id}/projector`);
		// The archive page: what any resident reads once the session is closed.
		if (ctx.params.archivePath) {
			await adminApi.post(`/api/v1/sessions/${session.id}/close`, {});
			const archive = await weigh(sp, `${server.origin}${ctx.params.archivePath.replace(':id', session.id)}`);
			out.archive = archive.status === 200 ? archive : { missing: `HTTP ${archive.status}` };
		} else out.archive = { missing: 'no archive page in this build yet' };
		await staff.close();
	} finally {
		await browser.close();
	}
	for (const v of Object.values(out)) delete v.scripts;
	for (const [k, v] of Object.entries(out)) {
		if (v.initial) ctx.log(`  ${k}: initial ${v.initial.gzKb} KB gz (${v.initial.files} files), loaded ${v.loaded.gzKb} KB gz${v.withEditor ? `, with the editor ${v.withEditor.gzKb} KB gz` : ''}`);
	}
	return out;
}
