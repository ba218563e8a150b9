import { paraglideVitePlugin } from '@inlang/paraglide-js';
import { sveltekit } from '@sveltejs/kit/vite';
import type { Server } from 'node:http';
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
			// ORIGIN defaults to the port people open (CONTRACT §1): here Vite's, not PORT's.
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

export default defineConfig({
	plugins: [
		paraglideVitePlugin({
			project: './src/lib/i18n/project.inlang',
			outdir: './src/lib/paraglide',
			strategy: ['cookie', 'baseLocale']
		}),
		sveltekit(),
		yishiRealtime()
	],
	// WeChat's in-app browsers lag (STACK-NOTES: XWeb Chrome 87+, iOS Safari 14+).
	build: { target: ['chrome87', 'safari14'] },
	test: {
		include: ['src/**/*.spec.ts', 'tests/integration/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000
	}
});
