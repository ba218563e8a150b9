/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (7) Page weight: gzipped JavaScript each page makes a phone download, from Chromium's own
 * requests. "initial" = the scripts the server-rendered HTML points at (modulepreload links and
 * the entry imports: what the first paint needs); "loaded" = every script fetched by the time the
 * network is idle (for the room this includes the lazily loaded editor). Sizes are the build's
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
const CLIENT = path.join(ROOT, 'node_modules/.cache/yishi-bench-build/client');

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
	const manifestFile = path.join(ROOT, 'node_modules/.cache/yishi-bench-build/bench-vite-manifest.json');
	const roots = [...html.matchAll(/import\("([^"]+\.js)"\)/g)].map((m) => new URL(m[1], url).pathname.slice(1));
	const nodeIds = (/node_ids:\s*\[([\d,\s]*)\]/.exec(html)?.[1] ?? '').split(',').map((x) => x.trim()).filter(Boolean);
	const initial = new Set(roots.map((r) => `/${r}`));
	if (!existsSync(manifestFile)) return initial;
	const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
	const byFile = new Map(Object.entries(manifest).map(([key, e]) => [e.file, key]));
	const keys = roots.map((f) => byFile.get(f)).filter(Boolean);
	for (const id of nodeIds) {
		const key = Object.keys(manifest).find((k) => new RegExp(`nodes/${id}\\.js$`).test(k));
		if (key) keys.push(key);
	}
	const seen = new Set();
	const visit = (key) => {
		if (seen.has(key) || !manifest[key]) return;
		seen.add(key);
		initial.add(`/${manifest[key].file}`);
		for (const dep of manifest[key].imports ?? []) visit(dep);
	};
	keys.forEach(visit);
	return initial;
}

const kb = (bytes) => Math.round((bytes / 1024) * 10) / 10;

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
	const sum = (set) => {
		let raw = 0;
		let gzBytes = 0;
		for (const p of set) {
			const s = gz(p);
			raw += s.raw;
			gzBytes += s.gz;
		}
		return { files: set.size, rawKb: kb(raw), gzKb: kb(gzBytes) };
	};
	const loaded = new Set([...scripts, ...initial]);
	const lazy = new Set([...loaded].filter((p) => !initial.has(p)));
	return { status: response.status(), finalPath: new URL(page.url()).pathname, initial: sum(initial), loaded: sum(loaded), lazy: sum(lazy), lazyFiles: [...lazy].map((p) => path.basename(p)) };
}

export async function run(ctx) {
	const server = ctx.servers.main;
	const adminApi = await admin(server);
	const { session, token } = await sessionWithInvite(adminApi, { title: '页面重量' });
	const browser = await launch();
	const out = {};
	try {
		// The participant: invite page, then the room (after the form).
		const phone = await browser.newContext();
		const page = await phone.newPage();
		out.join = await weigh(page, `${server.origin}/join/${encodeURIComponent(token)}`);
		await page.fill('input[name=name]', '页面居民');
		await Promise.all([page.waitForURL(/\/s\//), page.getByRole('button', { name: '加入', exact: true }).click()]);
		out.room = await weigh(page, `${server.origin}/s/${session.id}`);
		await phone.close();

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
	for (const [k, v] of Object.entries(out)) {
		if (v.initial) ctx.log(`  ${k}: initial ${v.initial.gzKb} KB gz (${v.initial.files} files), loaded ${v.loaded.gzKb} KB gz`);
	}
	return out;
}
