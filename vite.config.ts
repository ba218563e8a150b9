import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { type Plugin, type ViteDevServer } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Runs the same realtime wiring as `src/server.ts` inside `vite dev`: socket.io and the
 * y-websocket endpoint attach to Vite's own http server, loaded through Vite's SSR module
 * graph so they share every module instance with the SvelteKit routes.
 */
function yishiRealtime(): Plugin {
	return {
		name: 'yishi-realtime',
		apply: 'serve',
		configureServer(server: ViteDevServer) {
			const httpServer = server.httpServer as Server | null;
			if (!httpServer) return;
			// ORIGIN defaults to the port people open (REFERENCE.md §1): here Vite's, not PORT's.
			const port = server.config.server.port ?? 5173;
			process.env.PORT ??= String(port);
			process.env.ORIGIN ||= `http://localhost:${port}`;
			httpServer.once('listening', async () => {
				const { startApp } = await server.ssrLoadModule('/src/lib/server/app.ts');
				const app = await startApp();
				app.attachRealtime(httpServer);
			});
		}
	};
}

/**
 * lib0/dom (imported by lib0/logging, hence by Yjs) builds four lib0 schemas at its top level.
 * Nothing in the browser uses them, but a bundler must keep calls it cannot prove pure, and
 * with them all of lib0/schema (2.3 KB gz in the room's Yjs chunk). The calls only construct
 * objects: marking them pure lets tree-shaking drop them.
 */
function lib0PureSchemas(): Plugin {
	return {
		name: 'yishi-lib0-pure-schemas',
		apply: 'build',
		transform(code, id) {
			if (!/[\\/]node_modules[\\/]lib0[\\/]dom\.js$/.test(id)) return null;
			return { code: code.replaceAll('= $.$custom(', '= /* @__PURE__ */ $.$custom('), map: null };
		}
	};
}

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './src/lib/i18n/project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'baseLocale']
		}),
		sveltekit(),
		yishiRealtime(),
		lib0PureSchemas()
	],
	// WeChat's in-app browsers lag (src/lib/server/ARCHITECTURE.md: XWeb Chrome 87+, iOS Safari 14+).
	build: { target: ['chrome87', 'safari14'] },
	test: {
		// Two projects without the SvelteKit and Paraglide plugins: neither the unit specs nor the
		// integration tests (which start the production build) need them, and loading them for
		// every spec file costs more than most specs run. `$lib` is the one alias they use.
		projects: [
			{
				resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
				test: {
					name: 'unit',
					include: ['src/**/*.spec.ts'],
					environment: 'node',
					// PGlite opens in seconds on a busy machine: hooks get the integration margin.
					hookTimeout: 60_000
				}
			},
			{
				resolve: { alias: { $lib: fileURLToPath(new URL('./src/lib', import.meta.url)) } },
				test: {
					name: 'integration',
					include: ['tests/integration/**/*.test.ts', 'tests/cluster/**/*.test.ts'],
					environment: 'node',
					// A hang bound, not a speed check: CI shares 2 cores, and a test that waits on
					// a production server under a load average of 20 took 30 s where it takes 3.
					testTimeout: 60_000,
					hookTimeout: 120_000
				}
			}
		]
	}
});
