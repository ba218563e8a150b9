/**
 * Heads witnessed outside the server: the deployment's Ed25519 key signs transcript heads, and
 * every signed head goes into a public hash-chained log anyone can mirror (certificate
 * transparency's idea, RFC 6962, for transcripts). Heads are signed at close, when someone reads
 * a transcript that grew, with the street webhook, and by `signChangedHeads` every few minutes.
 */
import { randomBytes } from 'node:crypto';
import * as clock from '../clock';
import type { Db } from '../db/client';
import { getSetting, putSettingOnce } from '../db/notifications';
import * as log from '../db/signed-heads';
import * as transcript from '../db/transcript';
import {
	signHead,
	signingKeyFromSeed,
	type LogEntry,
	type SignedHead,
	type SigningKey
} from '../domain/signed-heads';
import type { Ctx } from './context';
import { ServiceError } from './errors';

const keysByDb = new WeakMap<object, Promise<SigningKey>>();

/** From `YISHI_SIGNING_KEY`, else generated once and kept in `settings` (README: key custody). */
export function signingKey(ctx: Pick<Ctx, 'config' | 'db'>, db: Db = ctx.db): Promise<SigningKey> {
	if (ctx.config.signingKey) return Promise.resolve(signingKeyFromSeed(ctx.config.signingKey));
	let key = keysByDb.get(ctx.db);
	if (!key) {
		key = (async () => {
			// `db`: inside a caller's transaction PGlite's one connection is that transaction's.
			const stored = await getSetting<{ seed: string }>(db, 'signing_key');
			const kept =
				stored ??
				(await putSettingOnce(db, 'signing_key', {
					seed: randomBytes(32).toString('base64')
				}));
			return signingKeyFromSeed(kept.seed);
		})();
		key.catch(() => keysByDb.delete(ctx.db));
		keysByDb.set(ctx.db, key);
	}
	return key;
}

export async function publicKey(ctx: Ctx) {
	return { alg: 'Ed25519' as const, publicKey: (await signingKey(ctx)).publicKey };
}

const statement = (e: LogEntry): SignedHead => ({
	sessionId: e.sessionId,
	seq: e.seq,
	head: e.head,
	at: e.at,
	signature: e.signature
});

/**
 * The session's current head, signed: the newest log entry when it already covers the head,
 * else a new one appended in `db` (the caller's transaction, or a short one of its own). Null for
 * a session with no entries.
 */
export async function signCurrentHead(
	ctx: Pick<Ctx, 'config' | 'db'>,
	sessionId: string,
	db?: Db
): Promise<SignedHead | null> {
	const key = await signingKey(ctx, db);
	const run = async (tx: Db) => {
		const head = await transcript.head(tx, sessionId);
		if (head.seq === 0) return null;
		const last = await log.latest(tx, sessionId);
		if (last && last.seq >= head.seq) return statement(last);
		const signed = signHead(key, {
			sessionId,
			seq: head.seq,
			head: head.hash,
			at: clock.now().toISOString()
		});
		const appended = await log.append(tx, signed);
		// Another writer may have signed the same head meanwhile: harmless, the log keeps both.
		return statement(appended);
	};
	return db ? run(db) : ctx.db.transaction(run);
}

/** The newest signed head of a session without signing anything. */
export async function latestSigned(ctx: Pick<Ctx, 'db'>, sessionId: string) {
	const last = await log.latest(ctx.db, sessionId);
	return last ? statement(last) : null;
}

/**
 * Signs every session whose transcript grew since its last signed head. The scheduler runs it
 * every few minutes (in a cluster, under the leader lease, so one node signs).
 */
export async function signChangedHeads(ctx: Pick<Ctx, 'config' | 'db' | 'log'>): Promise<number> {
	let signed = 0;
	for (const sessionId of await log.unsigned(ctx.db)) {
		try {
			await signCurrentHead(ctx, sessionId);
			signed++;
		} catch (err) {
			ctx.log.error({ err, sessionId }, 'signing a head failed');
		}
	}
	return signed;
}

/** How often running sessions' heads are signed when they changed. */
export const SIGN_EVERY_MS = 2 * 60_000;

/** The scheduler's job: sign changed heads, then come back in `SIGN_EVERY_MS`. */
export function signingJob(ctx: Pick<Ctx, 'config' | 'db' | 'log'>) {
	let nextAt = 0;
	return {
		name: 'signed heads',
		async run(now: Date): Promise<Date | null> {
			if (now.getTime() >= nextAt) {
				await signChangedHeads(ctx);
				nextAt = now.getTime() + SIGN_EVERY_MS;
			}
			return new Date(nextAt);
		}
	};
}

/**
 * `after` is the last `n` a mirror holds: decimal digits only. `Number()` alone would also take
 * `1e3`, `0x10` or ` 7 `, which a mirror never sends and should hear about (REFERENCE.md §8).
 */
export async function heads(ctx: Ctx, afterRaw: string | null) {
	const after = afterRaw === null || afterRaw === '' ? 0 : Number(afterRaw);
	if ((afterRaw && !/^\d+$/.test(afterRaw)) || !Number.isSafeInteger(after) || after < 0)
		throw new ServiceError(400, 'invalid_payload', 'after: a whole number ≥ 0');
	return { entries: await log.after(ctx.db, after, 1000) };
}
