import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { execSync } from 'node:child_process';

/**
 * The app version tells browsers a new build is out. The commit is stable across the separate
 * `svelte-kit sync` and `vite build` processes (a timestamp is not: two processes starting a
 * second apart produced server and client halves that did not match).
 */
function version() {
	try {
		return execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
			.toString()
			.trim();
	} catch {
		return process.env.npm_package_version ?? 'dev';
	}
}

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		version: { name: version() },
		// YISHI_BUILD_DIR / YISHI_KIT_DIR let a second build run beside this one (parallel work).
		adapter: adapter({ out: process.env.YISHI_BUILD_DIR || 'build', precompress: true }),
		outDir: process.env.YISHI_KIT_DIR || '.svelte-kit',
		// Forms are checked against ORIGIN in hooks.server.ts (REFERENCE.md §1), where the
		// origin comes from configuration instead of the request's Host header.
		csrf: { trustedOrigins: [] },
		// Every stylesheet a page needs goes into its HTML: a room links some 18 small files
		// (each lazily loaded panel brings its own, which SvelteKit links up front so nothing
		// flashes), and on a phone with half a second of latency their requests held the first
		// paint back by 2.4 s (tests/bench/scenarios/slow4g.js). The largest is 11 KB.
		inlineStyleThreshold: 16_384,
		// The worker only shows Web Push messages; it is registered when someone turns push
		// reminders on (src/lib/client/push.ts), never on every page.
		serviceWorker: { register: false },
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': ['self', 'unsafe-inline'],
				'img-src': ['self', 'data:', 'blob:'],
				'connect-src': ['self'],
				'font-src': ['self'],
				'object-src': ['none'],
				'base-uri': ['self'],
				'form-action': ['self'],
				'frame-ancestors': ['none']
			}
		}
	}
};

export default config;
