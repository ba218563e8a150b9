import { defineConfig } from '@playwright/test';

/**
 * E2E tests on Debian's Chromium (browsers cannot be downloaded here: src/lib/server/ARCHITECTURE.md trap 2). Each spec
 * starts its own production server through the integration harness (port 0), so there is no
 * `webServer` here and specs can run side by side.
 */
export default defineConfig({
	testDir: './e2e',
	outputDir: './test-results',
	timeout: 180_000,
	// Hang bounds, not speed checks (speed is `npm run bench`): on a shared 2-core machine under a
	// load average of 20, loading the editor's chunk after 编辑 took longer than 15 s.
	expect: { timeout: 30_000 },
	fullyParallel: false,
	forbidOnly: !!process.env.CI,
	retries: 0,
	workers: 2,
	use: {
		browserName: 'chromium',
		headless: true,
		locale: 'zh-CN',
		timezoneId: 'Asia/Shanghai',
		actionTimeout: 15_000,
		navigationTimeout: 30_000,
		trace: 'retain-on-failure',
		screenshot: 'only-on-failure',
		launchOptions: {
			executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
			args: [
				'--headless',
				'--no-sandbox',
				'--disable-gpu',
				'--disable-quic',
				'--no-first-run',
				'--disable-background-networking',
				'--disable-component-update',
				'--disable-sync'
			]
		}
	}
});
