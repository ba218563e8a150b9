/**
 * `npm start` runs this first: when `build/server.js` is missing or older than any build input,
 * it runs `npm run build` (stdio inherited); otherwise it does nothing. Only mtimes are
 * compared, so the check takes milliseconds. `tests/tools/run-all.js` reuses it.
 *
 * Plain ESM with JSDoc and no dependencies: it must run before anything is built.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The repository root (this file lives in `src/cli/`). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The production entry that `npm run build` produces. */
export const BUILD_ENTRY = 'build/server.js';

/** Build inputs, relative to the root: folders are walked, files are compared directly. */
export const BUILD_INPUTS = [
	'src',
	'static',
	'drizzle',
	'svelte.config.js',
	'vite.config.ts',
	'package.json'
];

/**
 * Paths (relative to the root, `/`-separated) that are not build inputs: generated output the
 * build rewrites itself (Paraglide compiles `src/lib/i18n` into `src/lib/paraglide` and caches
 * beside its settings), and unit
 * specs, which no bundle includes.
 * @param {string} rel
 * @returns {boolean}
 */
function ignored(rel) {
	return (
		rel === 'src/lib/paraglide' ||
		rel.startsWith('src/lib/paraglide/') ||
		// inlang rewrites its cache beside settings.json on every compile.
		(rel.startsWith('src/lib/i18n/project.inlang/') && !rel.endsWith('/settings.json')) ||
		/\.(spec|test)\.[cm]?[jt]s$/.test(rel) ||
		path.posix.basename(rel) === '.DS_Store'
	);
}

/**
 * The first input (a path relative to `root`) modified after `since`, or null.
 * @param {string} root
 * @param {string} rel
 * @param {number} since mtime in ms
 * @returns {string | null}
 */
function newerInput(root, rel, since) {
	if (ignored(rel)) return null;
	let stat;
	try {
		stat = statSync(path.join(root, rel));
	} catch {
		return null; // an optional input that does not exist
	}
	if (!stat.isDirectory()) return stat.mtimeMs > since ? rel : null;
	for (const entry of readdirSync(path.join(root, rel))) {
		const found = newerInput(root, `${rel}/${entry}`, since);
		if (found) return found;
	}
	return null;
}

/**
 * Why a build is needed, or null when `build/server.js` is up to date.
 * @param {string} [root]
 * @returns {string | null}
 */
export function staleReason(root = ROOT) {
	let builtAt;
	try {
		builtAt = statSync(path.join(root, BUILD_ENTRY)).mtimeMs;
	} catch {
		return `${BUILD_ENTRY} is missing`;
	}
	for (const input of BUILD_INPUTS) {
		const found = newerInput(root, input, builtAt);
		if (found) return `${found} is newer than ${BUILD_ENTRY}`;
	}
	return null;
}

/**
 * Runs `npm run build` in `root` when the build is missing or stale.
 * @param {{ root?: string, log?: (line: string) => void }} [options]
 * @returns {number} 0 when the build is up to date or was rebuilt, else the build's exit code
 */
export function ensureBuild({ root = ROOT, log = (line) => console.error(line) } = {}) {
	const reason = staleReason(root);
	if (!reason) return 0;
	log(`[ensure-build] ${reason}: running npm run build`);
	const result = spawnSync('npm', ['run', 'build'], {
		cwd: root,
		stdio: 'inherit',
		shell: process.platform === 'win32'
	});
	if (result.error) {
		log(`[ensure-build] could not run npm: ${result.error.message}`);
		return 1;
	}
	if (result.status !== 0) {
		log(`[ensure-build] npm run build failed (exit ${result.status ?? result.signal})`);
		return result.status || 1;
	}
	return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
	process.exitCode = ensureBuild();
}
