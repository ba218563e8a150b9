/**
 * Test harness: runs the real production build (`node build/server.js`) on a random port with a
 * throwaway store, and gives tests the clients a phone would use — HTTP with a cookie jar,
 * socket.io, y-websocket. Used by every integration test and by the Playwright e2e tests, so it
 * only imports packages and (type-only) the protocol module.
 *
 * Every server gets its own port, data directory and (for Postgres) database, so test files can
 * run in parallel.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import postgres from 'postgres';
import { io, type Socket } from 'socket.io-client';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import { WebsocketProvider } from 'y-websocket';
import type * as Y from 'yjs';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/lib/protocol';

/** The repository root: the server must run with it as its working directory. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/**
 * The production entry. YISHI_SERVER_ENTRY points the harness at another copy of the build (e.g.
 * a snapshot under node_modules/.cache while someone rebuilds `build/`); it still runs with the
 * repository root as its working directory.
 */
export const SERVER_ENTRY = path.resolve(
	ROOT,
	process.env.YISHI_SERVER_ENTRY || path.join(ROOT, 'build/server.js')
);

/** The bootstrap administrator every test server starts with (unless the env overrides it). */
export const ADMIN_USER = 'admin';
export const ADMIN_PASSWORD = 'yishi-test-admin-pw';

export type Store = 'pglite' | 'postgres';

/** The stores this machine can test: PGlite always, Postgres when DATABASE_URL is set. */
export function availableStores(): Store[] {
	return process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface StartOptions {
	/** Default 'pglite'. 'postgres' needs DATABASE_URL (any database on the server to use). */
	store?: Store;
	/** Extra variables for the server; `undefined` or '' unsets one (e.g. YISHI_ADMIN_USER). */
	env?: Record<string, string | undefined>;
	/** Use this PGlite directory instead of a fresh temp one (it is then not deleted). */
	dataDir?: string;
	/** Use this existing Postgres database (a name on DATABASE_URL's server, or a full URL). */
	database?: string;
	/** Port to listen on; default 0 (random). */
	port?: number;
	/** How long to wait for the `listening` log line; default 100 s (under the hook timeout, 120 s). */
	startTimeoutMs?: number;
}

/** One parsed stdout line of the server (pino JSON). */
export type LogLine = Record<string, unknown> & { msg?: string; level?: number };

export interface ServerHandle {
	/** The public origin, `http://localhost:<port>`: what browsers open and `Origin` must equal. */
	readonly origin: string;
	readonly port: number;
	readonly store: Store;
	readonly dataDir: string;
	/** The Postgres URL the server uses, when store is 'postgres'. */
	readonly databaseUrl: string | undefined;
	/** Parsed JSON log lines (stdout), in order; grows while the server runs. */
	readonly logs: LogLine[];
	/** Every stdout line as written, JSON or not. */
	readonly stdout: string[];
	readonly stderr: string[];
	/** The process id of the server. */
	readonly pid: number;
	/** `http://127.0.0.1:<port><path>`: for Node clients (they send `Origin: origin` themselves). */
	url(pathname?: string): string;
	/** `<origin><path>` (localhost): for browsers. */
	publicUrl(pathname?: string): string;
	/** Resolves with the first log line (past or future) matching, or rejects after the timeout. */
	waitForLog(match: (line: LogLine) => boolean, timeoutMs?: number): Promise<LogLine>;
	/** Whether the process is still running. */
	running(): boolean;
	/** SIGTERM, wait for exit; resolves with the exit code (128 + signal number if killed). */
	stop(timeoutMs?: number): Promise<number>;
	/** SIGKILL (a crash: nothing is flushed), wait for exit. */
	kill9(): Promise<void>;
	/**
	 * Stops this server if it still runs (SIGTERM), then starts a new one on the same port (so
	 * the origin, cookies and open pages stay valid), data directory or database and env
	 * (`env` adds to it, or unsets a variable with '' / undefined, for this and later starts).
	 */
	restart(env?: Record<string, string | undefined>): Promise<ServerHandle>;
	/** Kills every server started on this store and deletes the temp directory / database. */
	dispose(): Promise<void>;
}

/** The store behind one or more consecutive server processes (a handle and its restarts). */
interface StoreGroup {
	store: Store;
	dataDir: string;
	ownsDataDir: boolean;
	databaseUrl: string | undefined;
	/** The database to drop on dispose (one the harness created). */
	ownedDatabase: { name: string; adminUrl: string } | undefined;
	env: Record<string, string | undefined>;
	children: Set<ChildProcess>;
	disposed: boolean;
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A crashed or aborted test run must not leave servers behind. */
function installExitHook() {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.once('exit', () => {
		for (const child of liveChildren) child.kill('SIGKILL');
	});
}

const VERBOSE = process.env.HARNESS_VERBOSE === '1';

/** Variables the harness decides; inherited values must not leak into a test server. */
const CONTROLLED_ENV = [
	'PORT',
	'HOST',
	'ORIGIN',
	'DATA_DIR',
	'DATABASE_URL',
	'REDIS_URL',
	'YISHI_ADMIN_USER',
	'YISHI_ADMIN_PASSWORD',
	'LOG_LEVEL',
	'YISHI_DOC_FLUSH_MS',
	'YISHI_DOC_COMPACT_EVERY',
	'NODE_OPTIONS'
];

function randomName(prefix: string): string {
	return `${prefix}${randomBytes(6).toString('hex')}`;
}

function withDatabase(baseUrl: string, name: string): string {
	const url = new URL(baseUrl);
	url.pathname = `/${name}`;
	return url.toString();
}

async function createDatabase(): Promise<{ name: string; adminUrl: string; url: string }> {
	const adminUrl = process.env.DATABASE_URL;
	if (!adminUrl) throw new Error("store 'postgres' needs DATABASE_URL (a Postgres server to use)");
	const name = randomName('yishi_it_');
	const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
	try {
		await sql.unsafe(`CREATE DATABASE "${name}"`);
	} finally {
		await sql.end({ timeout: 5 });
	}
	return { name, adminUrl, url: withDatabase(adminUrl, name) };
}

async function dropDatabase(name: string, adminUrl: string): Promise<void> {
	const sql = postgres(adminUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
	try {
		await sql.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
	} finally {
		await sql.end({ timeout: 5 });
	}
}

function tail(lines: string[], n = 30): string {
	return lines.slice(-n).join('\n') || '(nothing)';
}

function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
	if (code !== null) return code;
	return 128 + (signal ? (os.constants.signals[signal] ?? 0) : 0);
}

/** Starts `node build/server.js` on a fresh store and resolves once it logs `listening`. */
export async function startServer(opts: StartOptions = {}): Promise<ServerHandle> {
	if (!existsSync(SERVER_ENTRY)) {
		throw new Error(`${SERVER_ENTRY} is missing: run \`npm run build\` first`);
	}
	const store = opts.store ?? 'pglite';
	const dataDir = opts.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'yishi-it-')));
	const group: StoreGroup = {
		store,
		dataDir,
		ownsDataDir: !opts.dataDir,
		databaseUrl: undefined,
		ownedDatabase: undefined,
		env: { ...opts.env },
		children: new Set(),
		disposed: false
	};
	if (store === 'postgres') {
		try {
			if (opts.database) {
				const base = process.env.DATABASE_URL;
				if (opts.database.includes('://')) group.databaseUrl = opts.database;
				else if (base) group.databaseUrl = withDatabase(base, opts.database);
				else throw new Error("store 'postgres' needs DATABASE_URL (a Postgres server to use)");
			} else {
				const created = await createDatabase();
				group.databaseUrl = created.url;
				group.ownedDatabase = { name: created.name, adminUrl: created.adminUrl };
			}
		} catch (error) {
			if (group.ownsDataDir) await rm(dataDir, { recursive: true, force: true });
			throw error;
		}
	}
	try {
		return await launch(group, opts.port ?? 0, opts.startTimeoutMs ?? 100_000);
	} catch (error) {
		await disposeGroup(group);
		throw error;
	}
}

async function disposeGroup(group: StoreGroup): Promise<void> {
	if (group.disposed) return;
	group.disposed = true;
	await Promise.all(
		[...group.children].map(
			(child) =>
				new Promise<void>((resolve) => {
					if (child.exitCode !== null || child.signalCode !== null) return resolve();
					child.once('exit', () => resolve());
					child.kill('SIGKILL');
				})
		)
	);
	if (group.ownsDataDir) await rm(group.dataDir, { recursive: true, force: true });
	if (group.ownedDatabase) {
		await dropDatabase(group.ownedDatabase.name, group.ownedDatabase.adminUrl);
	}
}

function launch(group: StoreGroup, port: number, startTimeoutMs: number): Promise<ServerHandle> {
	installExitHook();
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value !== undefined && !CONTROLLED_ENV.includes(key)) env[key] = value;
	}
	Object.assign(env, {
		PORT: String(port),
		HOST: '127.0.0.1',
		DATA_DIR: group.dataDir,
		LOG_LEVEL: 'info',
		YISHI_ADMIN_USER: ADMIN_USER,
		YISHI_ADMIN_PASSWORD: ADMIN_PASSWORD
	});
	if (group.databaseUrl) env.DATABASE_URL = group.databaseUrl;
	for (const [key, value] of Object.entries(group.env)) {
		if (value === undefined || value === '') delete env[key];
		else env[key] = value;
	}

	const child = spawn(process.execPath, [SERVER_ENTRY], {
		cwd: ROOT,
		env,
		stdio: ['ignore', 'pipe', 'pipe']
	});
	liveChildren.add(child);
	group.children.add(child);

	const logs: LogLine[] = [];
	const stdout: string[] = [];
	const stderr: string[] = [];
	const waiters = new Set<{
		match: (line: LogLine) => boolean;
		resolve: (line: LogLine) => void;
	}>();
	let exitInfo: { code: number } | undefined;
	const exited = new Promise<number>((resolve) => {
		child.once('exit', (code, signal) => {
			liveChildren.delete(child);
			exitInfo = { code: exitCodeOf(code, signal) };
			resolve(exitInfo.code);
		});
	});
	// Errors spawning (ENOENT…) surface as an exit with code 127.
	child.once('error', (error) => {
		stderr.push(`spawn error: ${error.message}`);
		if (!exitInfo) {
			liveChildren.delete(child);
			exitInfo = { code: 127 };
		}
	});

	createInterface({ input: child.stdout! }).on('line', (line) => {
		stdout.push(line);
		if (VERBOSE) process.stdout.write(`[server ${child.pid}] ${line}\n`);
		let parsed: unknown;
		try {
			parsed = JSON.parse(line);
		} catch {
			return;
		}
		if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return;
		const entry = parsed as LogLine;
		logs.push(entry);
		for (const waiter of [...waiters]) {
			if (waiter.match(entry)) {
				waiters.delete(waiter);
				waiter.resolve(entry);
			}
		}
	});
	createInterface({ input: child.stderr! }).on('line', (line) => {
		stderr.push(line);
		if (VERBOSE) process.stderr.write(`[server ${child.pid} stderr] ${line}\n`);
	});

	const describeOutput = () =>
		`--- last stdout lines ---\n${tail(stdout)}\n--- last stderr lines ---\n${tail(stderr)}`;

	const waitForLog = (match: (line: LogLine) => boolean, timeoutMs = 20_000) => {
		const seen = logs.find(match);
		if (seen) return Promise.resolve(seen);
		return new Promise<LogLine>((resolve, reject) => {
			const waiter = {
				match,
				resolve: (line: LogLine) => {
					clearTimeout(timer);
					resolve(line);
				}
			};
			const timer = setTimeout(() => {
				waiters.delete(waiter);
				reject(new Error(`no matching log line within ${timeoutMs} ms\n${describeOutput()}`));
			}, timeoutMs);
			waiters.add(waiter);
		});
	};

	const signalAndWait = async (signal: NodeJS.Signals, timeoutMs: number): Promise<number> => {
		if (exitInfo) return exitInfo.code;
		child.kill(signal);
		let timer: NodeJS.Timeout | undefined;
		const timedOut = new Promise<'timeout'>((resolve) => {
			timer = setTimeout(() => resolve('timeout'), timeoutMs);
		});
		const result = await Promise.race([exited, timedOut]);
		clearTimeout(timer);
		if (result !== 'timeout') return result;
		child.kill('SIGKILL');
		await exited;
		throw new Error(
			`server ${child.pid} did not exit within ${timeoutMs} ms of ${signal}; killed it\n${describeOutput()}`
		);
	};

	return new Promise<ServerHandle>((resolve, reject) => {
		let settled = false;
		const fail = (message: string) => {
			if (settled) return;
			settled = true;
			clearTimeout(timer);
			child.kill('SIGKILL');
			const text = `${message}\n${describeOutput()}`;
			process.stderr.write(`[harness] ${text}\n`);
			reject(new Error(text));
		};
		const timer = setTimeout(
			() => fail(`server did not log "listening" within ${startTimeoutMs} ms`),
			startTimeoutMs
		);
		void exited.then((code) => fail(`server exited with code ${code} before "listening"`));

		void waitForLog((line) => line.msg === 'listening', startTimeoutMs + 1000).then(
			(line) => {
				if (settled) return;
				const actualPort = Number(line.port);
				if (!Number.isInteger(actualPort) || actualPort <= 0) {
					fail(`the "listening" line has no usable port: ${JSON.stringify(line)}`);
					return;
				}
				settled = true;
				clearTimeout(timer);
				const origin =
					typeof line.origin === 'string' && line.origin
						? line.origin.replace(/\/$/, '')
						: `http://localhost:${actualPort}`;
				const handle: ServerHandle = {
					origin,
					port: actualPort,
					store: group.store,
					dataDir: group.dataDir,
					databaseUrl: group.databaseUrl,
					logs,
					stdout,
					stderr,
					pid: child.pid ?? -1,
					url: (pathname = '/') => `http://127.0.0.1:${actualPort}${pathname}`,
					publicUrl: (pathname = '/') => `${origin}${pathname}`,
					waitForLog,
					running: () => !exitInfo,
					stop: (timeoutMs = 15_000) => signalAndWait('SIGTERM', timeoutMs),
					kill9: async () => {
						await signalAndWait('SIGKILL', 10_000);
					},
					restart: async (env = {}) => {
						if (group.disposed) throw new Error('restart() after dispose()');
						if (!exitInfo) await signalAndWait('SIGTERM', 15_000);
						Object.assign(group.env, env);
						return launch(group, actualPort, startTimeoutMs);
					},
					dispose: () => disposeGroup(group)
				};
				resolve(handle);
			},
			() => {
				/* the timer or the exit reports it */
			}
		);
	});
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** What a harness request resolves with (never throws on an HTTP error status). */
export interface ApiResponse<T = unknown> {
	status: number;
	ok: boolean;
	headers: Headers;
	/** Parsed JSON when the answer is JSON, else the text ('' for an empty body). */
	body: T;
	text: string;
	/** The raw `Set-Cookie` headers of this answer. */
	setCookies: string[];
}

/** A cookie as the jar keeps it, with its attributes (lower-cased names) for assertions. */
export interface JarCookie {
	name: string;
	value: string;
	attributes: Record<string, string | true>;
}

export interface RequestOptions {
	/** A JSON body (sets Content-Type). */
	json?: unknown;
	/** A raw body, e.g. CSV or a urlencoded form; give its Content-Type in `headers`. */
	body?: string;
	headers?: Record<string, string>;
	/**
	 * The Origin header: default the server's origin on mutating methods and none on GET/HEAD;
	 * a string overrides it, null sends none.
	 */
	origin?: string | null;
}

export interface ServerLike {
	origin: string;
	url(pathname?: string): string;
}

/** Throws with the answer's status and body unless it has the expected status. */
export function expectStatus<T>(res: ApiResponse<T>, status: number, what = 'request'): T {
	if (res.status !== status) {
		throw new Error(
			`${what}: expected HTTP ${status}, got ${res.status}: ${res.text.slice(0, 500)}`
		);
	}
	return res.body;
}

/** A tiny fetch wrapper with a cookie jar, like one phone talking to one server. */
export class ApiClient {
	readonly cookies = new Map<string, JarCookie>();

	constructor(public server: ServerLike) {}

	/** `name=value; …` of every cookie in the jar ('' when empty). */
	cookieHeader(): string {
		return [...this.cookies.values()].map((c) => `${c.name}=${c.value}`).join('; ');
	}

	/** The session cookie's value, if the jar has one. */
	sessionCookie(): string | undefined {
		return this.cookies.get('session')?.value;
	}

	/** A second client sharing this one's cookies (a copy: they diverge from here). */
	clone(): ApiClient {
		const copy = new ApiClient(this.server);
		for (const [name, cookie] of this.cookies) copy.cookies.set(name, { ...cookie });
		return copy;
	}

	private storeCookies(setCookies: string[]) {
		for (const header of setCookies) {
			const [pair = '', ...attrs] = header.split(';');
			const eq = pair.indexOf('=');
			if (eq < 1) continue;
			const name = pair.slice(0, eq).trim();
			const value = pair.slice(eq + 1).trim();
			const attributes: Record<string, string | true> = {};
			for (const attr of attrs) {
				const i = attr.indexOf('=');
				const key = (i < 0 ? attr : attr.slice(0, i)).trim().toLowerCase();
				if (key) attributes[key] = i < 0 ? true : attr.slice(i + 1).trim();
			}
			const maxAge = attributes['max-age'];
			const expires = attributes.expires;
			const expired =
				value === '' ||
				(typeof maxAge === 'string' && Number(maxAge) <= 0) ||
				(typeof expires === 'string' && Date.parse(expires) <= Date.now());
			if (expired) this.cookies.delete(name);
			else this.cookies.set(name, { name, value, attributes });
		}
	}

	async request<T = unknown>(
		method: string,
		pathname: string,
		opts: RequestOptions = {}
	): Promise<ApiResponse<T>> {
		const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
		const mutating = !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
		const origin = opts.origin === undefined ? (mutating ? this.server.origin : null) : opts.origin;
		if (origin !== null) headers.origin = origin;
		const cookie = this.cookieHeader();
		if (cookie) headers.cookie = cookie;
		let body: string | undefined = opts.body;
		if (opts.json !== undefined) {
			body = JSON.stringify(opts.json);
			headers['content-type'] = 'application/json';
		}
		const res = await fetch(this.server.url(pathname), {
			method,
			headers,
			body,
			redirect: 'manual'
		});
		const setCookies = res.headers.getSetCookie();
		this.storeCookies(setCookies);
		// A server-sent event stream never ends: what matters here is its status and headers.
		const streaming = (res.headers.get('content-type') ?? '').startsWith('text/event-stream');
		if (streaming) await res.body?.cancel();
		const text = streaming ? '' : await res.text();
		let parsed: unknown = text;
		if (text && (res.headers.get('content-type') ?? '').includes('json')) {
			try {
				parsed = JSON.parse(text);
			} catch {
				parsed = text;
			}
		}
		return {
			status: res.status,
			ok: res.ok,
			headers: res.headers,
			body: parsed as T,
			text,
			setCookies
		};
	}

	get<T = unknown>(pathname: string, opts?: RequestOptions) {
		return this.request<T>('GET', pathname, opts);
	}

	post<T = unknown>(pathname: string, json?: unknown, opts?: RequestOptions) {
		return this.request<T>('POST', pathname, { ...opts, json: json ?? opts?.json });
	}

	del<T = unknown>(pathname: string, opts?: RequestOptions) {
		return this.request<T>('DELETE', pathname, opts);
	}

	login(username: string, password: string) {
		return this.post<{ user: { id: string; username: string; role: string } }>('/api/v1/login', {
			username,
			password
		});
	}

	logout() {
		return this.post('/api/v1/logout');
	}
}

// ---------------------------------------------------------------------------------------------
// Fixtures (REFERENCE.md §2 shapes)

export interface UserView {
	id: string;
	username: string;
	role: string;
}

export interface SessionView {
	id: string;
	title: string;
	kind: 'live' | 'cloud';
	status: string;
	items: { id: string; title: string; docName: string }[];
	communityId?: string;
}

export interface InviteView {
	id: string;
	url: string;
	role: string;
	expiresAt: string | null;
	maxUses: number | null;
}

export interface JoinView {
	participant: { id: string; name: string; role: string };
	sessionId: string;
}

/** The token of an invite URL `<ORIGIN>/join/<token>`. */
export function tokenOf(inviteUrl: string): string {
	const match = /\/join\/([^/?#]+)/.exec(new URL(inviteUrl).pathname);
	if (!match?.[1]) throw new Error(`not an invite url: ${inviteUrl}`);
	return decodeURIComponent(match[1]);
}

/** A client signed in as the bootstrap administrator. */
export async function adminClient(server: ServerLike): Promise<ApiClient> {
	const client = new ApiClient(server);
	expectStatus(await client.login(ADMIN_USER, ADMIN_PASSWORD), 200, 'admin login');
	return client;
}

/** An account created by the admin, already signed in. */
export async function userClient(
	server: ServerLike,
	admin: ApiClient,
	role: 'moderator' | 'clerk' | 'street' | 'admin',
	username = `${role}-${randomBytes(4).toString('hex')}`,
	password = `${role}-pw-${randomBytes(6).toString('hex')}`
): Promise<ApiClient & { user: UserView; password: string }> {
	const user = expectStatus(
		await admin.post<UserView>('/api/v1/users', { username, password, role }),
		201,
		`create ${role}`
	);
	const client = new ApiClient(server);
	expectStatus(await client.login(username, password), 200, `${role} login`);
	return Object.assign(client, { user, password });
}

export interface SessionFixture {
	admin: ApiClient;
	/** The client that created the session and moderates it (a moderator, or the admin). */
	moderator: ApiClient;
	session: SessionView;
	invites: Record<string, InviteView & { token: string }>;
}

/**
 * Creates a session (as the admin, or as a fresh moderator account with `asModerator`) and one
 * invite per role.
 */
export async function createSessionWithInvites(
	server: ServerLike,
	opts: {
		roles?: string[];
		title?: string;
		kind?: 'live' | 'cloud';
		items?: { title: string; body?: string }[];
		maxUses?: number;
		asModerator?: boolean;
		extra?: Record<string, unknown>;
	} = {}
): Promise<SessionFixture> {
	const admin = await adminClient(server);
	const moderator = opts.asModerator ? await userClient(server, admin, 'moderator') : admin;
	const session = expectStatus(
		await moderator.post<SessionView>('/api/v1/sessions', {
			title: opts.title ?? '测试议事会',
			kind: opts.kind ?? 'live',
			items: opts.items ?? [{ title: '第一项议题' }],
			...opts.extra
		}),
		201,
		'create session'
	);
	const invites: SessionFixture['invites'] = {};
	for (const role of opts.roles ?? ['resident']) {
		const invite = expectStatus(
			await moderator.post<InviteView>(`/api/v1/sessions/${session.id}/invites`, {
				role,
				...(opts.maxUses === undefined ? {} : { maxUses: opts.maxUses })
			}),
			201,
			`create ${role} invite`
		);
		invites[role] = { ...invite, token: tokenOf(invite.url) };
	}
	return { admin, moderator, session, invites };
}

/** A new phone that joins through an invite token (POST /api/v1/join/:token). */
export async function joinAs(
	server: ServerLike,
	token: string,
	name: string
): Promise<ApiClient & JoinView> {
	const client = new ApiClient(server);
	const joined = expectStatus(
		await client.post<JoinView>(`/api/v1/join/${encodeURIComponent(token)}`, { name }),
		200,
		`join as ${name}`
	);
	return Object.assign(client, joined);
}

export const fixtures = { adminClient, userClient, createSessionWithInvites, joinAs };

// ---------------------------------------------------------------------------------------------
// Realtime clients

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface SocketOptions {
	/** Origin header; default the server's origin, null sends none. */
	origin?: string | null;
	/** Cookie header override ('' sends none); default the client's jar. */
	cookie?: string;
	/** Reject if not connected within this time; default 10 s. */
	timeoutMs?: number;
}

/** A socket.io client that is not connected yet (for tests of refused handshakes). */
export function rawSocket(
	server: ServerLike,
	client: ApiClient | null,
	opts: SocketOptions = {}
): ClientSocket {
	const extraHeaders: Record<string, string> = {};
	const cookie = opts.cookie ?? client?.cookieHeader() ?? '';
	if (cookie) extraHeaders.cookie = cookie;
	const origin = opts.origin === undefined ? server.origin : opts.origin;
	if (origin !== null) extraHeaders.origin = origin;
	return io(server.url(''), {
		path: '/socket.io',
		transports: ['websocket'],
		extraHeaders,
		forceNew: true,
		autoConnect: false,
		reconnection: false,
		timeout: opts.timeoutMs ?? 10_000
	});
}

/** Resolves once `socket` connects; rejects with the `connect_error` (or a timeout). */
export function connected(socket: ClientSocket, timeoutMs = 20_000): Promise<ClientSocket> {
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			cleanup();
			socket.disconnect();
			reject(new Error(`socket.io did not connect within ${timeoutMs} ms`));
		}, timeoutMs);
		const onConnect = () => {
			cleanup();
			resolve(socket);
		};
		const onError = (error: Error) => {
			cleanup();
			socket.disconnect();
			reject(error);
		};
		const cleanup = () => {
			clearTimeout(timer);
			socket.off('connect', onConnect);
			socket.off('connect_error', onError);
		};
		socket.on('connect', onConnect);
		socket.on('connect_error', onError);
		if (!socket.connected && !socket.active) socket.connect();
		else if (socket.connected) onConnect();
	});
}

/** A socket.io client with the client's cookie and the right Origin, connected. */
export function socketClient(
	server: ServerLike,
	client: ApiClient | null,
	opts: SocketOptions = {}
): Promise<ClientSocket> {
	return connected(rawSocket(server, client, opts), opts.timeoutMs);
}

/** Emits an event and resolves with its acknowledgement (rejects after the timeout). */
export function emitAck<E extends keyof ClientToServerEvents>(
	socket: ClientSocket,
	event: E,
	payload: Parameters<ClientToServerEvents[E]>[0],
	timeoutMs = 20_000
): Promise<Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]> {
	// socket.io's typed emitWithAck cannot be called with a generic event name.
	const untyped = socket as unknown as {
		timeout(ms: number): { emitWithAck(event: string, payload: unknown): Promise<unknown> };
	};
	return untyped.timeout(timeoutMs).emitWithAck(event, payload) as Promise<
		Parameters<Parameters<ClientToServerEvents[E]>[1]>[0]
	>;
}

/** Resolves with the next payload of a server event (rejects after the timeout). */
export function nextEvent<E extends keyof ServerToClientEvents>(
	socket: ClientSocket,
	event: E,
	timeoutMs = 20_000,
	match: (payload: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
	type Payload = Parameters<ServerToClientEvents[E]>[0];
	const untyped = socket as unknown as {
		on(event: string, fn: (payload: Payload) => void): void;
		off(event: string, fn: (payload: Payload) => void): void;
	};
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			untyped.off(event, listener);
			reject(new Error(`no "${String(event)}" event within ${timeoutMs} ms`));
		}, timeoutMs);
		const listener = (payload: Payload) => {
			if (!match(payload)) return;
			clearTimeout(timer);
			untyped.off(event, listener);
			resolve(payload);
		};
		untyped.on(event, listener);
	});
}

/** A `ws` WebSocket class that sends fixed headers on the upgrade (Cookie, Origin). */
export function webSocketWithHeaders(headers: Record<string, string>): typeof globalThis.WebSocket {
	class HeaderWebSocket extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers });
		}
	}
	return HeaderWebSocket as unknown as typeof globalThis.WebSocket;
}

export interface YjsOptions {
	/** Origin header; default the server's origin, null sends none. */
	origin?: string | null;
	/** Cookie header override ('' sends none); default the client's jar. */
	cookie?: string;
	/** Default true. */
	connect?: boolean;
}

/**
 * A y-websocket provider for `/yjs/<docName>` with the client's cookie and the server's Origin.
 * `disableBc` is on: providers in one process must sync through the server (src/lib/server/ARCHITECTURE.md trap 4).
 */
export function yjsProvider(
	server: ServerLike,
	client: ApiClient | null,
	docName: string,
	ydoc: Y.Doc,
	opts: YjsOptions = {}
): WebsocketProvider {
	const headers: Record<string, string> = {};
	const cookie = opts.cookie ?? client?.cookieHeader() ?? '';
	if (cookie) headers.Cookie = cookie;
	const origin = opts.origin === undefined ? server.origin : opts.origin;
	if (origin !== null) headers.Origin = origin;
	const wsBase = server.url('/yjs').replace(/^http/, 'ws');
	return new WebsocketProvider(wsBase, docName, ydoc, {
		WebSocketPolyfill: webSocketWithHeaders(headers),
		disableBc: true,
		connect: opts.connect ?? true,
		maxBackoffTime: 1000
	});
}

/** Resolves once the provider finished its first sync with the server. */
export function whenSynced(provider: WebsocketProvider, timeoutMs = 20_000): Promise<void> {
	if (provider.synced) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			provider.off('sync', onSync);
			reject(
				new Error(
					`y-websocket ${provider.url} did not sync within ${timeoutMs} ms (connected: ${provider.wsconnected})`
				)
			);
		}, timeoutMs);
		const onSync = (synced: boolean) => {
			if (!synced) return;
			clearTimeout(timer);
			provider.off('sync', onSync);
			resolve();
		};
		provider.on('sync', onSync);
	});
}

/**
 * One round trip on a provider's own connection: sends a sync step 1 and resolves when the
 * server's step 2 answer comes back. The server reads a connection's frames in order and sends
 * to each connection in order, so once this resolves it has handled every frame this provider
 * sent before, and this provider has received everything the server sent it before. This is how
 * a test observes that something did NOT happen (an update dropped, not relayed) without sleeping.
 */
export function roundTrip(provider: WebsocketProvider, timeoutMs = 20_000): Promise<void> {
	const ws = provider.ws;
	if (!ws || ws.readyState !== ws.OPEN) {
		return Promise.reject(new Error(`y-websocket ${provider.url} is not connected`));
	}
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			ws.removeEventListener('message', onMessage);
			reject(new Error(`no sync step 2 from ${provider.url} within ${timeoutMs} ms`));
		}, timeoutMs);
		const onMessage = (event: { data: unknown }) => {
			const decoder = decoding.createDecoder(new Uint8Array(event.data as ArrayBuffer));
			if (decoding.readVarUint(decoder) !== 0) return; // not a sync message
			if (decoding.readVarUint(decoder) !== syncProtocol.messageYjsSyncStep2) return;
			clearTimeout(timer);
			ws.removeEventListener('message', onMessage);
			resolve();
		};
		ws.addEventListener('message', onMessage);
		const encoder = encoding.createEncoder();
		encoding.writeVarUint(encoder, 0);
		syncProtocol.writeSyncStep1(encoder, provider.doc);
		ws.send(encoding.toUint8Array(encoder));
	});
}

/**
 * Opens a raw WebSocket upgrade and resolves with the HTTP status the server answered it with
 * (101 when accepted; the socket is closed again at once).
 */
export function upgradeStatus(
	url: string,
	headers: Record<string, string>,
	timeoutMs = 20_000
): Promise<number> {
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(url, { headers });
		const timer = setTimeout(() => {
			ws.terminate();
			reject(new Error(`no answer to the upgrade of ${url} within ${timeoutMs} ms`));
		}, timeoutMs);
		ws.once('upgrade', (res) => {
			clearTimeout(timer);
			resolve(res.statusCode ?? 101);
			ws.terminate();
		});
		ws.once('unexpected-response', (_req, res) => {
			clearTimeout(timer);
			resolve(res.statusCode ?? 0);
			res.resume();
			ws.terminate();
		});
		// `on`, not `once`: terminate() may emit a second error, which must not go unhandled.
		ws.on('error', (error) => {
			clearTimeout(timer);
			reject(error);
		});
	});
}

/** Polls `check` until it returns a truthy value (or throws after the timeout). */
export async function eventually<T>(
	check: () => T | Promise<T>,
	timeoutMs = 20_000,
	what = 'condition'
): Promise<NonNullable<T>> {
	const deadline = Date.now() + timeoutMs;
	let last: unknown;
	for (;;) {
		try {
			const value = await check();
			if (value) return value as NonNullable<T>;
		} catch (error) {
			last = error;
		}
		if (Date.now() > deadline) {
			throw new Error(`${what} not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
		}
		await new Promise((r) => setTimeout(r, 50));
	}
}

/**
 * A server-sent event stream read as a browser's EventSource would: each `next()` resolves with
 * the next event (`event:` name and parsed `data:`); comment lines (keepalives) are skipped.
 */
export async function followEvents(url: string) {
	const controller = new AbortController();
	const response = await fetch(url, {
		headers: { accept: 'text/event-stream' },
		signal: controller.signal
	});
	const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
	let buffer = '';
	const next = async (): Promise<{ event: string; data: unknown }> => {
		for (;;) {
			const end = buffer.indexOf('\n\n');
			if (end >= 0) {
				const block = buffer.slice(0, end);
				buffer = buffer.slice(end + 2);
				const lines = block.split('\n').filter((l) => !l.startsWith(':'));
				const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
				const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
				if (event) return { event, data: data ? JSON.parse(data) : null };
				continue;
			}
			const { value, done } = await reader.read();
			if (done) throw new Error('the event stream ended');
			buffer += value;
		}
	};
	return {
		headers: response.headers,
		next,
		async close() {
			controller.abort();
			await reader.cancel().catch(() => {});
		}
	};
}
