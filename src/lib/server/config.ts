/** Reads process.env once; typed; fails fast with a message naming the bad variable. */
export interface Config {
	port: number;
	host: string;
	/** Public origin without a trailing slash; links, QR codes, cookie `Secure`, Origin checks. */
	origin: string;
	secureCookies: boolean;
	dataDir: string;
	databaseUrl: string | undefined;
	/** Postgres: named prepared statements (`DATABASE_PREPARE`, default on; off for PgBouncer). */
	databasePrepare: boolean;
	/** `REDIS_URL`: several nodes share fan-out and coordination through Redis (needs Postgres). */
	redisUrl: string | undefined;
	adminUser: string | undefined;
	adminPassword: string | undefined;
	logLevel: string;
	/** Yjs updates are written in batches at most this far apart (the crash-loss window). */
	docFlushMs: number;
	/** Updates appended to a document before they are folded into its snapshot. */
	docCompactEvery: number;
	/** A proposal edited this long gets a checkpoint in the transcript. */
	checkpointEveryMs: number;
	/** Where case events go (an external street platform), signed with `webhookSecret`. */
	webhookUrl: string | undefined;
	webhookSecret: string | undefined;
	/** `YISHI_TEST_CLOCK=1`: `POST /api/v1/test/clock` may move the server clock (tests only). */
	testClock: boolean;
	/**
	 * `YISHI_TEST_CLOCK_AT=<ISO instant>` with the test clock: the process starts with its clock
	 * already there, so a test can restart a node "after" a deadline without waiting for it.
	 */
	testClockAt: Date | undefined;
	/** Web Push VAPID keys from the environment; otherwise generated once and kept in `settings`. */
	vapidPublicKey: string | undefined;
	vapidPrivateKey: string | undefined;
	/** `mailto:` or https contact the push services may use (RFC 8292 `sub`). */
	vapidSubject: string;
	/**
	 * Ed25519 key that signs transcript heads: base64 of the 32-byte private seed. Absent: one
	 * is generated once and kept in `settings` (README: key custody).
	 */
	signingKey: string | undefined;
}

export class ConfigError extends Error {
	override name = 'ConfigError';
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
	const raw = env[name];
	if (raw === undefined || raw === '') return fallback;
	const value = Number(raw);
	if (!Number.isInteger(value) || value < min) {
		throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
	}
	return value;
}

function vapid(env: NodeJS.ProcessEnv, origin: string) {
	const publicKey = env.YISHI_VAPID_PUBLIC_KEY || undefined;
	const privateKey = env.YISHI_VAPID_PRIVATE_KEY || undefined;
	if (!publicKey !== !privateKey) {
		throw new ConfigError(
			'set both YISHI_VAPID_PUBLIC_KEY and YISHI_VAPID_PRIVATE_KEY, or neither'
		);
	}
	const subject =
		env.YISHI_VAPID_SUBJECT || (origin.startsWith('https:') ? origin : 'mailto:yishi@localhost');
	if (!/^(mailto:|https:\/\/)/.test(subject)) {
		throw new ConfigError(`YISHI_VAPID_SUBJECT must be a mailto: or https: URL, got "${subject}"`);
	}
	return { vapidPublicKey: publicKey, vapidPrivateKey: privateKey, vapidSubject: subject };
}

function webhook(env: NodeJS.ProcessEnv) {
	const url = env.YISHI_WEBHOOK_URL || undefined;
	const secret = env.YISHI_WEBHOOK_SECRET || undefined;
	if (url && !/^https?:\/\//.test(url))
		throw new ConfigError('YISHI_WEBHOOK_URL must be an http(s) URL');
	if (url && (!secret || secret.length < 16)) {
		throw new ConfigError(
			'YISHI_WEBHOOK_SECRET (≥ 16 characters) is required with YISHI_WEBHOOK_URL'
		);
	}
	return { url, secret };
}

function signingKey(env: NodeJS.ProcessEnv): string | undefined {
	const key = env.YISHI_SIGNING_KEY || undefined;
	if (key && Buffer.from(key, 'base64').length !== 32)
		throw new ConfigError('YISHI_SIGNING_KEY must be base64 of a 32-byte Ed25519 private key');
	return key;
}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const port = int(env, 'PORT', 3000, 0);
	const rawOrigin = env.ORIGIN || `http://localhost:${port}`;
	let origin: string;
	try {
		const url = new URL(rawOrigin);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
		origin = url.origin;
	} catch {
		throw new ConfigError(
			`ORIGIN must be an http(s) origin such as https://yishi.example.cn, got "${rawOrigin}"`
		);
	}
	const databaseUrl = env.DATABASE_URL || undefined;
	if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
		throw new ConfigError('DATABASE_URL must start with postgres:// or postgresql://');
	}
	const redisUrl = env.REDIS_URL || undefined;
	if (redisUrl && !/^rediss?:\/\//.test(redisUrl)) {
		throw new ConfigError('REDIS_URL must start with redis:// or rediss://');
	}
	if (redisUrl && !databaseUrl) {
		throw new ConfigError(
			'REDIS_URL needs DATABASE_URL: several nodes share one Postgres database (PGlite is one process only)'
		);
	}
	const adminUser = env.YISHI_ADMIN_USER || undefined;
	const adminPassword = env.YISHI_ADMIN_PASSWORD || undefined;
	if (adminPassword !== undefined && adminPassword.length < 8) {
		throw new ConfigError('YISHI_ADMIN_PASSWORD must have at least 8 characters');
	}
	return {
		port,
		host: env.HOST || '0.0.0.0',
		origin,
		secureCookies: origin.startsWith('https:'),
		dataDir: env.DATA_DIR || './data',
		databaseUrl,
		databasePrepare: env.DATABASE_PREPARE !== '0',
		redisUrl,
		adminUser,
		adminPassword,
		logLevel: env.LOG_LEVEL || 'info',
		docFlushMs: int(env, 'YISHI_DOC_FLUSH_MS', 50, 1),
		docCompactEvery: int(env, 'YISHI_DOC_COMPACT_EVERY', 500, 10),
		checkpointEveryMs: int(env, 'YISHI_CHECKPOINT_SECONDS', 180, 1) * 1000,
		webhookUrl: webhook(env).url,
		webhookSecret: webhook(env).secret,
		testClock: env.YISHI_TEST_CLOCK === '1',
		testClockAt: testClockAt(env),
		signingKey: signingKey(env),
		...vapid(env, origin)
	};
}

function testClockAt(env: NodeJS.ProcessEnv): Date | undefined {
	const raw = env.YISHI_TEST_CLOCK_AT;
	if (env.YISHI_TEST_CLOCK !== '1' || !raw) return undefined;
	const at = new Date(raw);
	if (Number.isNaN(at.getTime())) {
		throw new ConfigError(`YISHI_TEST_CLOCK_AT must be an ISO date-time, got "${raw}"`);
	}
	return at;
}
