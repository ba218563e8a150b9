/**
 * The storage contract (ARCHITECTURE rule 5): ONE suite, registered against every store —
 * embedded PGlite always, Postgres when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, newToken } from '../ids';
import * as authSessions from './auth-sessions';
import { executeHot, type Db } from './client';
import * as invites from './invites';
import * as orgs from './orgs';
import * as participants from './participants';
import * as sessions from './sessions';
import * as setupTokens from './setup-tokens';
import * as transcript from './transcript';
import { sql } from 'drizzle-orm';
import { verify } from '../domain/transcript';
import { storeFactories, type OpenedStore } from './test-stores';
import * as users from './users';

/** drizzle wraps the database error; the trigger's message is in its cause. */
const refusedAsAppendOnly = (error: unknown) =>
	/append-only/.test(String((error as { cause?: { message?: string } }).cause?.message ?? error));

for (const factory of storeFactories()) {
	describe(`store contract on ${factory.name}`, () => {
		let opened: OpenedStore;
		let db: Db;
		let moderatorId: string;

		beforeAll(async () => {
			opened = await factory.open();
			db = opened.store.db;
			await orgs.ensureDefaults(db, { street: '四平路街道', community: '鞍山四村' });
			moderatorId = (
				await users.insert(db, {
					id: newId(),
					username: 'moderator',
					passwordHash: 'x',
					role: 'moderator'
				})
			).id;
		});
		afterAll(() => opened?.dispose());

		async function newSession(title = '电梯更新议事会') {
			const id = newId();
			const itemId = newId();
			return sessions.insert(
				db,
				{ id, communityId: orgs.DEFAULT_COMMUNITY_ID, title, kind: 'live', createdBy: moderatorId },
				[
					{
						id: itemId,
						sessionId: id,
						position: 0,
						title: '二次筹集维修资金',
						docName: `item-${itemId}`
					}
				]
			);
		}

		it('keeps the default street and community once, and renames them', async () => {
			await orgs.ensureDefaults(db, { street: 'other', community: 'other' });
			expect((await orgs.listCommunities(db)).map((c) => c.name)).toEqual(['鞍山四村']);
			expect(await orgs.renameCommunity(db, orgs.DEFAULT_COMMUNITY_ID, '和平花园')).toBe(true);
			expect((await orgs.findCommunity(db, orgs.DEFAULT_COMMUNITY_ID))?.name).toBe('和平花园');
			expect(await orgs.renameStreet(db, 'missing', 'x')).toBe(false);
		});

		it('refuses a second account with the same username', async () => {
			const row = {
				id: newId(),
				username: 'clerk-wang',
				passwordHash: 'h',
				role: 'clerk' as const
			};
			expect(await users.insertIfFree(db, row)).not.toBeNull();
			expect(await users.insertIfFree(db, { ...row, id: newId() })).toBeNull();
			expect((await users.findByUsername(db, 'clerk-wang'))?.role).toBe('clerk');
		});

		it('stores auth sessions by id with their account, extends and removes them', async () => {
			const id = newToken();
			const expiresAt = new Date(Date.now() + 1000);
			await authSessions.insert(db, { id, userId: moderatorId, expiresAt });
			const found = await authSessions.findWithUser(db, id);
			expect(found?.user?.username).toBe('moderator');
			expect(found?.session.expiresAt.getTime()).toBe(expiresAt.getTime());
			const later = new Date(expiresAt.getTime() + 86_400_000);
			await authSessions.extend(db, id, later);
			expect((await authSessions.findWithUser(db, id))?.session.expiresAt.getTime()).toBe(
				later.getTime()
			);
			await authSessions.remove(db, id);
			expect(await authSessions.findWithUser(db, id)).toBeNull();
		});

		it('creates a session with its agenda in order and finds an item by document name', async () => {
			const session = await newSession();
			const found = await sessions.find(db, session.id);
			expect(found?.items.map((i) => i.title)).toEqual(['二次筹集维修资金']);
			expect(found?.status).toBe('open');
			const byDoc = await sessions.findItemByDocName(db, session.items[0]!.docName);
			expect(byDoc?.session.id).toBe(session.id);
			expect(await sessions.findItemByDocName(db, 'item-missing')).toBeNull();
		});

		it('hands out the last use of an invite to exactly one of many racing joins', async () => {
			const session = await newSession();
			const invite = await invites.insert(db, {
				id: newId(),
				sessionId: session.id,
				token: newToken(),
				role: 'resident',
				maxUses: 3,
				createdBy: moderatorId
			});
			const now = new Date();
			const results = await Promise.all(
				Array.from({ length: 10 }, () => invites.takeUse(db, invite.id, now))
			);
			expect(results.filter(Boolean)).toHaveLength(3);
			expect((await invites.findById(db, invite.id))?.uses).toBe(3);
		});

		it('gives no use of an expired or revoked invite', async () => {
			const session = await newSession();
			const now = new Date();
			const expired = await invites.insert(db, {
				id: newId(),
				sessionId: session.id,
				token: newToken(),
				role: 'owner',
				expiresAt: new Date(now.getTime() - 1),
				createdBy: moderatorId
			});
			expect(await invites.takeUse(db, expired.id, now)).toBe(false);
			const open = await invites.insert(db, {
				id: newId(),
				sessionId: session.id,
				token: newToken(),
				role: 'owner',
				createdBy: moderatorId
			});
			expect(await invites.takeUse(db, open.id, now)).toBe(true);
			await invites.revoke(db, open.id, now);
			expect(await invites.takeUse(db, open.id, now)).toBe(false);
			expect((await invites.findByToken(db, open.token))?.revokedAt).not.toBeNull();
		});

		it('keeps one participant per device and per account in a session', async () => {
			const session = await newSession();
			const device = newToken();
			await participants.insert(db, {
				id: newId(),
				sessionId: session.id,
				authSessionId: device,
				name: '王阿姨',
				role: 'resident'
			});
			await expect(
				participants.insert(db, {
					id: newId(),
					sessionId: session.id,
					authSessionId: device,
					name: 'again',
					role: 'resident'
				})
			).rejects.toThrow();
			expect((await participants.findByDevice(db, session.id, device))?.name).toBe('王阿姨');
			await participants.insert(db, {
				id: newId(),
				sessionId: session.id,
				userId: moderatorId,
				name: 'moderator',
				role: 'moderator'
			});
			await expect(
				participants.insert(db, {
					id: newId(),
					sessionId: session.id,
					userId: moderatorId,
					name: 'm2',
					role: 'moderator'
				})
			).rejects.toThrow();
			expect((await participants.listForSession(db, session.id)).map((p) => p.name)).toEqual([
				'王阿姨',
				'moderator'
			]);
		});

		it('appends transcript entries with gapless seqs, even when appends race', async () => {
			const session = await newSession();
			const actor = { id: 'system', name: 'system', role: 'system' };
			await Promise.all(
				Array.from({ length: 12 }, (_, i) =>
					db.transaction((tx) =>
						transcript.append(tx, session.id, {
							at: new Date().toISOString(),
							type: 'test',
							actor,
							data: { i }
						})
					)
				)
			);
			const entries = await transcript.list(db, session.id);
			expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
			expect(verify(entries)).toMatchObject({ ok: true, head: entries.at(-1)!.hash });
			expect(await transcript.head(db, session.id)).toEqual({
				seq: 12,
				hash: entries.at(-1)!.hash
			});
		});

		it('refuses UPDATE, DELETE and TRUNCATE on transcript entries', async () => {
			const session = await newSession();
			const actor = { id: 'system', name: 'system', role: 'system' };
			await transcript.append(db, session.id, {
				at: new Date().toISOString(),
				type: 'test',
				actor,
				data: {}
			});
			await expect(
				db.execute(
					sql`update transcript_entries set type = 'forged' where session_id = ${session.id}`
				)
			).rejects.toSatisfy(refusedAsAppendOnly);
			await expect(
				db.execute(sql`delete from transcript_entries where session_id = ${session.id}`)
			).rejects.toSatisfy(refusedAsAppendOnly);
			await expect(db.execute(sql`truncate transcript_entries`)).rejects.toSatisfy(
				refusedAsAppendOnly
			);
			expect((await transcript.list(db, session.id)).map((e) => e.type)).toEqual(['test']);
		});

		it('consumes a setup token once', async () => {
			await setupTokens.add(db, 'hash-a', new Date());
			expect(await setupTokens.exists(db, 'hash-a')).toBe(true);
			expect(await setupTokens.consume(db, 'hash-b')).toBe(false);
			expect(await setupTokens.consume(db, 'hash-a')).toBe(true);
			expect(await setupTokens.consume(db, 'hash-a')).toBe(false);
		});

		it("keeps every node's setup token until one is used, then none", async () => {
			const now = new Date();
			// Two nodes started together on an empty database: both printed links work…
			await setupTokens.add(db, 'node-a', now);
			await setupTokens.add(db, 'node-b', now);
			expect(await setupTokens.exists(db, 'node-a')).toBe(true);
			expect(await setupTokens.exists(db, 'node-b')).toBe(true);
			// …until one makes the administrator: then the other is spent too.
			expect(await setupTokens.consume(db, 'node-b')).toBe(true);
			expect(await setupTokens.consume(db, 'node-a')).toBe(false);
			// A link nobody opened for a week goes when a node starts again.
			await setupTokens.add(db, 'old', new Date(now.getTime() - 8 * 24 * 3600 * 1000));
			await setupTokens.add(db, 'new', now);
			expect(await setupTokens.exists(db, 'old')).toBe(false);
			expect(await setupTokens.exists(db, 'new')).toBe(true);
		});

		it('runs a hot statement again after an error, and never inside a transaction in progress', async () => {
			const divide = (by: number) =>
				executeHot(db, 'spec_divide', sql`select 10 / ${by}::int as n`);
			expect(Number((await divide(2))[0]!.n)).toBe(5);
			// drizzle wraps the database error (Postgres); PGlite's comes as it is.
			const failure = await divide(0).then(
				() => 'no error',
				(e: { message?: string; cause?: { message?: string } }) => e.cause?.message ?? e.message
			);
			expect(failure).toMatch(/division by zero/);
			expect(Number((await divide(5))[0]!.n)).toBe(2);
			// A row inserted by a transaction that then rolls back: the hot statement, sent while
			// the transaction waits, must not see it (on PGlite it waits for the transaction).
			const session = await newSession('回滚的会');
			let release!: () => void;
			const held = new Promise<void>((resolve) => (release = resolve));
			let inserted!: () => void;
			const insertedP = new Promise<void>((resolve) => (inserted = resolve));
			const rolledBack = db
				.transaction(async (tx) => {
					await tx.execute(sql`update sessions set title = '改了' where id = ${session.id}`);
					inserted();
					await held;
					tx.rollback();
				})
				.catch(() => 'rolled back');
			await insertedP;
			const seen = executeHot(
				db,
				'spec_title',
				sql`select title from sessions where id = ${session.id}`
			);
			setTimeout(release, 30);
			expect(await rolledBack).toBe('rolled back');
			expect((await seen)[0]!.title).toBe('回滚的会');
		});
	});
}
