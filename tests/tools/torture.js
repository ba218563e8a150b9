/**
 * `npm run torture`: the attack battery at full size, which `npm test` runs bounded.
 *   - tests/integration/battery.test.ts with ≥ 100 000 mutated y-websocket frames, ≥ 100 000
 *     malformed socket.io packets on authenticated connections, and 20 × `kill -9` of the app
 *     while 100 voters vote (on PGlite, and on Postgres when DATABASE_URL is set);
 *   - the odd-input battery of tests/integration/authz-matrix.test.ts (every route × odd bodies),
 *     YISHI_BATTERY_HTTP_ROUNDS times over;
 *   - the XSS corpus of tests/e2e/xss.spec.ts in Chromium with YISHI_BATTERY_XSS_FULL=1: every
 *     page also in large mode (长辈版), en and zh-TW.
 * Each prints its figures on lines starting `battery:` / `odd-input battery:`; this script
 * repeats them at the end. Sizes can be overridden with the same YISHI_BATTERY_* variables.
 *
 * Plain ESM, no dependencies beyond vitest and Playwright; builds first when the build is stale.
 */
import { spawn } from 'node:child_process';
import { ensureBuild, ROOT } from '../../src/cli/ensure-build.js';

const env = {
	...process.env,
	YISHI_BATTERY_FRAMES: process.env.YISHI_BATTERY_FRAMES ?? '100000',
	YISHI_BATTERY_PACKETS: process.env.YISHI_BATTERY_PACKETS ?? '100000',
	YISHI_BATTERY_KILLS: process.env.YISHI_BATTERY_KILLS ?? '20',
	YISHI_BATTERY_VOTERS: process.env.YISHI_BATTERY_VOTERS ?? '100',
	YISHI_BATTERY_HTTP_ROUNDS: process.env.YISHI_BATTERY_HTTP_ROUNDS ?? '3',
	YISHI_BATTERY_XSS_FULL: process.env.YISHI_BATTERY_XSS_FULL ?? '1'
};

/**
 * Runs a test command, echoing its output and keeping the figure lines.
 * @param {string[]} args for npx
 * @param {string[]} figures
 * @returns {Promise<number>}
 */
function runFigures(args, figures) {
	return new Promise((resolve) => {
		const child = spawn('npx', args, {
			cwd: ROOT,
			env,
			stdio: ['ignore', 'pipe', 'inherit']
		});
		let rest = '';
		child.stdout.on('data', (chunk) => {
			process.stdout.write(chunk);
			const lines = (rest + chunk).split('\n');
			rest = lines.pop() ?? '';
			for (const line of lines)
				if (/battery/.test(line) && /\d/.test(line)) figures.push(line.trim());
		});
		child.on('close', (code) => resolve(code ?? 1));
	});
}

/**
 * @param {string} file
 * @param {string[]} figures
 */
const vitest = (file, figures) =>
	runFigures(['vitest', 'run', '--project', 'integration', file], figures);

await ensureBuild();
const started = Date.now();
/** @type {string[]} */
const figures = [];
const codes = [
	await vitest('tests/integration/battery.test.ts', figures),
	await vitest('tests/integration/authz-matrix.test.ts', figures),
	// The XSS corpus in Chromium, each page also in large mode, en and zh-TW.
	await runFigures(
		['playwright', 'test', '-c', 'tests/playwright.config.ts', 'tests/e2e/xss.spec.ts'],
		figures
	)
];
console.log(`\n=== torture: ${((Date.now() - started) / 1000).toFixed(0)} s`);
for (const line of figures) console.log(line);
const failed = codes.filter((c) => c !== 0).length;
console.log(failed ? `torture: ${failed} run(s) failed` : 'torture: everything held');
process.exit(failed ? 1 : 0);
