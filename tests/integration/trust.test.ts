/**
 * The record people can trust (src/lib/protocol/REFERENCE.md, additions to §8) on the real build:
 * signed heads checked with Node's own Ed25519, the head log, `npm run verify` against a
 * consistently re-hashed history, receipts and the public ballot list, secret ballots
 * unlinkable once closed, nothing personal in public answers, text that cannot break the
 * record, and hiding that leaves the chain verifiable.
 */
import { execFile } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import canonicalize from 'canonicalize';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	ApiClient,
	availableStores,
	createSessionWithInvites,
	emitAck,
	expectStatus,
	joinAs,
	ROOT,
	socketClient,
	startServer,
	tokenOf,
	type ApiClient as Client,
	type ClientSocket,
	type ServerHandle,
	type SessionFixture
} from './harness';

const ID_NUMBER = '110101199003071234';
const PHONE = '13800138000';

interface Entry {
	seq: number;
	at: string;
	type: string;
	actor: unknown;
	data: Record<string, unknown>;
	prevHash: string;
	hash: string;
	content?: { text?: string; salt?: string; hidden?: boolean; reason?: string };
}
interface SignedHead {
	sessionId: string;
	seq: number;
	head: string;
	at: string;
	signature: string;
}
interface Transcript {
	sessionId: string;
	entries: Entry[];
	head: string;
	signedHead: SignedHead | null;
}
interface LogEntry extends SignedHead {
	n: number;
	prevHash: string;
	hash: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** The checkers' own Ed25519 check: raw 32-byte key, RFC 8785 bytes of {sessionId,seq,head,at}. */
function signedBy(publicKey: string, h: SignedHead): boolean {
	const x = Buffer.from(publicKey, 'base64');
	expect(x.length).toBe(32);
	const key = createPublicKey({
		key: { kty: 'OKP', crv: 'Ed25519', x: x.toString('base64url') },
		format: 'jwk'
	});
	const message = canonicalize({ sessionId: h.sessionId, seq: h.seq, head: h.head, at: h.at })!;
	return verify(null, Buffer.from(message), key, Buffer.from(h.signature, 'base64'));
}

/** Re-hashes a transcript from entry 1 as anyone could (CONTRACT §4). */
function rehash(entries: Entry[]): Entry[] {
	let prev = '0'.repeat(64);
	return entries.map((e) => {
		const body = canonicalize({ seq: e.seq, at: e.at, type: e.type, actor: e.actor, data: e.data });
		const hash = sha256(prev + body);
		const out = { ...e, prevHash: prev, hash };
		prev = hash;
		return out;
	});
}

/** Runs the verifier as a child process without blocking this process's sockets. */
function runVerify(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
	return new Promise((resolve) => {
		execFile(
			process.execPath,
			['src/cli/verify.js', ...args],
			{ cwd: ROOT, encoding: 'utf8' },
			(error, out, err) => resolve({ code: error ? (error.code as number) : 0, out, err })
		);
	});
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'yishi-trust-'));
function saved(name: string, value: unknown): string {
	const file = path.join(tmp, name);
	writeFileSync(file, JSON.stringify(value));
	return file;
}

async function joined(server: ServerHandle, client: Client, sessionId: string) {
	const socket = await socketClient(server, client);
	const ack = await emitAck(socket, 'session:join', { sessionId });
	if (!ack.ok) throw new Error(ack.error.message);
	return socket;
}

describe.each(availableStores())('the record people can trust (%s)', (store) => {
	let server: ServerHandle;
	let fx: SessionFixture;
	let anon: ApiClient;
	let key: string;
	const sockets: ClientSocket[] = [];

	beforeAll(async () => {
		server = await startServer({ store });
		fx = await createSessionWithInvites(server, { roles: ['resident', 'owner'] });
		anon = new ApiClient(server);
		key = expectStatus<{ alg: string; publicKey: string }>(
			await anon.get('/api/v1/transparency/key'),
			200
		).publicKey;
	});
	afterAll(async () => {
		for (const s of sockets) s.disconnect();
		await server?.dispose();
	});

	it('[TRUST-KEY] serves the Ed25519 public key as 32 raw bytes in base64', async () => {
		const answer = expectStatus<{ alg: string; publicKey: string }>(
			await anon.get('/api/v1/transparency/key'),
			200
		);
		expect(answer.alg).toBe('Ed25519');
		expect(Buffer.from(answer.publicKey, 'base64')).toHaveLength(32);
	});

	it('[TRUST-HEAD] the transcript answer carries a signed head and entry 1 binds the session', async () => {
		const resident = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		expectStatus(
			await resident.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: '楼道要清理' }),
			201
		);
		const t = expectStatus<Transcript>(
			await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		expect(t.entries[0]!.data.sessionId).toBe(fx.session.id);
		expect(t.signedHead).toMatchObject({
			sessionId: fx.session.id,
			seq: t.entries.length,
			head: t.head
		});
		expect(signedBy(key, t.signedHead!)).toBe(true);
		expect(signedBy(key, { ...t.signedHead!, seq: t.signedHead!.seq - 1 })).toBe(false);

		const log = expectStatus<{ entries: LogEntry[] }>(
			await anon.get('/api/v1/transparency/heads?after=0'),
			200
		);
		let prev = '0'.repeat(64);
		for (const [i, e] of log.entries.entries()) {
			expect(e.n).toBe(i + 1);
			expect(e.prevHash).toBe(prev);
			const body = canonicalize({
				n: e.n,
				sessionId: e.sessionId,
				seq: e.seq,
				head: e.head,
				at: e.at,
				signature: e.signature
			});
			expect(e.hash).toBe(sha256(prev + body));
			expect(signedBy(key, e)).toBe(true);
			prev = e.hash;
		}
		expect(log.entries.some((e) => e.head === t.head && e.sessionId === fx.session.id)).toBe(true);
		const later = expectStatus<{ entries: LogEntry[] }>(
			await anon.get(`/api/v1/transparency/heads?after=${log.entries.length}`),
			200
		);
		expect(later.entries).toEqual([]);
		expect((await anon.get('/api/v1/transparency/heads?after=x')).status).toBe(400);
	});

	it('[TRUST-VERIFY] verify checks the signed head and catches a history re-hashed after a head was published', async () => {
		const resident = await joinAs(server, fx.invites.resident!.token, '张师傅');
		expectStatus(
			await resident.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: '同意加装' }),
			201
		);
		const t = expectStatus<Transcript>(
			await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		const file = saved(`t-${store}.json`, t);
		const ok = await runVerify([file, '--key', key]);
		expect(ok.code, ok.err).toBe(0);
		const withLog = (heads: string) => runVerify([file, '--heads', heads, '--key', key]);
		expect(ok.out.trim()).toBe(t.head);

		const log = expectStatus<{ entries: LogEntry[] }>(
			await anon.get('/api/v1/transparency/heads?after=0'),
			200
		);
		const heads = saved(`heads-${store}.json`, log);
		const logged = await withLog(heads);
		expect(logged.code, logged.err).toBe(0);

		// Someone with the database rewrites a statement and re-hashes the whole chain.
		const statement = t.entries.findIndex((e) => e.type === 'statement');
		const forged = rehash(
			t.entries.map((e, i) =>
				i === statement
					? {
							...e,
							data: {
								...e.data,
								textCommitment: sha256(canonicalize({ salt: 's', text: '反对加装' })!)
							},
							content: { text: '反对加装', salt: 's' }
						}
					: e
			)
		);
		const forgedFile = saved(`forged-${store}.json`, {
			sessionId: t.sessionId,
			entries: forged,
			head: forged.at(-1)!.hash
		});
		expect((await runVerify([forgedFile])).code).toBe(0); // the chain alone is consistent…
		const caught = await runVerify([forgedFile, '--heads', heads, '--key', key]);
		expect(caught.code).toBe(1); // …but not with the head log someone mirrored
		expect(caught.err).toMatch(/contradicts signed head n \d+/);
		// A saved signed head (as the phone keeps it) is enough as well.
		const receipt = saved(`receipt-${store}.json`, t.signedHead);
		expect((await runVerify([forgedFile, '--heads', receipt])).code).toBe(1);
		// One session's transcript does not pass as another's.
		const other = saved(`other-${store}.json`, { ...t, sessionId: 'another-session' });
		expect((await runVerify([other])).code).toBe(1);
		// A changed signature is refused with the key.
		const badSig = saved(`badsig-${store}.json`, {
			...t,
			signedHead: { ...t.signedHead, at: '2000-01-01T00:00:00.000Z' }
		});
		expect((await runVerify([badSig, '--key', key])).code).toBe(1);
		// Words beside an entry must be the ones committed to.
		const swapped = saved(`swapped-${store}.json`, {
			...t,
			entries: t.entries.map((e, i) =>
				i === statement ? { ...e, content: { ...e.content, text: '反对' } } : e
			)
		});
		expect((await runVerify([swapped])).code).toBe(1);
	});

	it('[TRUST-TEXT] NUL bytes and lone surrogates are refused with 400 invalid_text, never a 500', async () => {
		const minutes = await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/minutes`, {
			text: 'a\u0000b'
		});
		expect(minutes.status).toBe(400);
		expect((minutes.body as { error: { code: string } }).error.code).toBe('invalid_text');
		const resident = await joinAs(server, fx.invites.resident!.token, '赵先生');
		const lone = await resident.request('POST', `/api/v1/sessions/${fx.session.id}/statements`, {
			body: '{"text":"x\\ud800y"}',
			headers: { 'content-type': 'application/json' }
		});
		expect(lone.status).toBe(400);
		const comment = await resident.post(`/api/v1/items/${fx.session.items[0]!.id}/comments`, {
			text: 'a\u0000',
			stance: 'support'
		});
		expect(comment.status).toBe(400);
		const q = await anon.get('/api/v1/search?q=%00');
		expect(q.status).toBe(400);
		expect((q.body as { error: { code: string } }).error.code).toBe('invalid_text');
		// The minute written right after is not lost.
		expectStatus(
			await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/minutes`, { text: 'ab' }),
			201
		);
	});

	it('[TRUST-RECEIPT] every accepted ballot has a receipt; the closed list sums to the tally and its hash is recorded', async () => {
		const voters = await Promise.all(
			[0, 1, 2].map((i) => joinAs(server, fx.invites.resident!.token, `投票人${i}`))
		);
		const s = await Promise.all(voters.map((v) => joined(server, v, fx.session.id)));
		sockets.push(...s);
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意清理楼道？',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				changeable: true,
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const acks = (await Promise.all(
			s.map((sock, i) =>
				emitAck(sock, 'ballot:cast', { voteId: vote.id, choice: i === 2 ? 'no' : 'yes' })
			)
		)) as unknown as { ok: boolean; receipt: string }[];
		for (const a of acks) {
			expect(a.ok).toBe(true);
			expect(a.receipt).toMatch(/^[A-Z2-7]{16}$/);
		}
		// A changed ballot gets a new receipt; the old one leaves the list.
		const changed = (await emitAck(s[2]!, 'ballot:cast', {
			voteId: vote.id,
			choice: 'abstain'
		})) as unknown as { ok: boolean; receipt: string };
		expect(changed.receipt).not.toBe(acks[2]!.receipt);

		const early = await anon.get(`/api/v1/votes/${vote.id}/ballots`);
		expect(early.status).toBe(403);
		expect((early.body as { error: { code: string } }).error.code).toBe('vote_not_closed');

		const tally = expectStatus<{ counts: Record<string, { headcount: number; area: number }> }>(
			await fx.moderator.post(`/api/v1/votes/${vote.id}/close`, {}),
			200
		);
		const list = expectStatus<{
			voteId: string;
			ballots: { receipt: string; choice: string[]; headcount: number; area: number }[];
		}>(await anon.get(`/api/v1/votes/${vote.id}/ballots`), 200);
		expect(list.voteId).toBe(vote.id);
		const sums: Record<string, { headcount: number; area: number }> = {};
		for (const id of Object.keys(tally.counts)) sums[id] = { headcount: 0, area: 0 };
		for (const b of list.ballots)
			for (const c of b.choice) {
				sums[c]!.headcount += b.headcount;
				sums[c]!.area += b.area;
			}
		expect(sums).toEqual(tally.counts);
		const receipts = list.ballots.map((b) => b.receipt).sort();
		expect(receipts).toEqual([acks[0]!.receipt, acks[1]!.receipt, changed.receipt].sort());
		expect(list.ballots.find((b) => b.receipt === changed.receipt)!.choice).toEqual(['abstain']);

		const t = expectStatus<Transcript>(
			await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		const closed = t.entries.find((e) => e.type === 'vote_closed' && e.data.voteId === vote.id)!;
		expect(closed.data.ballotsHash).toBe(sha256(canonicalize(list)!));
	});

	it('[TRUST-HIDE] a hidden statement, comment and opinion leave every public answer; the chain still verifies', async () => {
		const resident = await joinAs(server, fx.invites.resident!.token, '钱女士');
		const secretWords = '隐藏测试语句ZQX';
		const st = expectStatus<{ id: string }>(
			await resident.post(`/api/v1/sessions/${fx.session.id}/statements`, { text: secretWords }),
			201
		);
		const cm = expectStatus<{ id: string }>(
			await resident.post(`/api/v1/items/${fx.session.items[0]!.id}/comments`, {
				text: `评论${secretWords}`,
				stance: 'concern'
			}),
			201
		);
		expect(
			(
				await resident.post('/api/v1/moderation/hide', {
					kind: 'statement',
					id: st.id,
					reason: 'x'
				})
			).status
		).toBe(403);
		expectStatus(
			await fx.moderator.post('/api/v1/moderation/hide', {
				kind: 'statement',
				id: st.id,
				reason: '含有个人信息'
			}),
			200
		);
		expectStatus(
			await fx.moderator.post('/api/v1/moderation/hide', {
				kind: 'comment',
				id: cm.id,
				reason: '人身攻击'
			}),
			200
		);
		const mine = expectStatus<Transcript>(
			await resident.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		expect(JSON.stringify(mine)).not.toContain(secretWords);
		const hiddenEntry = mine.entries.find((e) => e.type === 'statement' && e.data.id === st.id)!;
		expect(hiddenEntry.content).toEqual({ hidden: true, reason: '含有个人信息' });
		expect(JSON.stringify(mine)).toContain('人身攻击');
		const comments = expectStatus<{ id: string; text: string; hidden?: { reason: string } }[]>(
			await resident.get(`/api/v1/items/${fx.session.items[0]!.id}/comments`),
			200
		);
		expect(comments.find((c) => c.id === cm.id)).toMatchObject({
			text: '',
			hidden: { reason: '人身攻击' }
		});
		// Staff still read it; the chain verifies from entry 1 with the words hidden.
		const staff = expectStatus<Transcript>(
			await fx.moderator.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		expect(JSON.stringify(staff)).toContain(secretWords);
		const check = await runVerify([saved(`hidden-${store}.json`, mine), '--key', key]);
		expect(check.code, check.err).toBe(0);
	});

	it('[TRUST-HIDE-PROJECT] a hidden opinion leaves the project, its item, its transcript and search too', async () => {
		const community = fx.session.communityId;
		const words = '楼道堆物隐藏意见QJV';
		expectStatus(
			await fx.moderator.request('PATCH', `/api/v1/communities/${community}`, {
				json: { opinionHandThreshold: 1 }
			}),
			200
		);
		const link = expectStatus<{ url: string }>(
			await fx.moderator.post(`/api/v1/communities/${community}/invites`, { role: 'resident' }),
			201
		);
		const author = await joinAs(server, tokenOf(link.url), '孙阿姨');
		const opinion = expectStatus<{ id: string }>(
			await author.post(`/api/v1/communities/${community}/opinions`, {
				title: '楼道堆物',
				text: words
			}),
			201
		);
		expectStatus(await author.post(`/api/v1/opinions/${opinion.id}/hands`), 200);
		const project = expectStatus<{ projectId: string; sessionId: string }>(
			await fx.moderator.post(`/api/v1/opinions/${opinion.id}/project`, {}),
			201
		);
		// Before: the project, its item and its record quote the opinion.
		const before = await author.get(`/api/v1/projects/${project.projectId}`);
		expect(before.text).toContain(words);
		expectStatus(
			await fx.moderator.post('/api/v1/moderation/hide', {
				kind: 'opinion',
				id: opinion.id,
				reason: '涉及邻居隐私'
			}),
			200
		);
		const anonymous = new ApiClient(server);
		// The author opens the project's room (a community member enters a cloud session so).
		expectStatus(
			await author.get(`/s/${project.sessionId}`, { headers: { accept: 'text/html' } }),
			200
		);
		const paths = [
			`/api/v1/projects/${project.projectId}`,
			`/api/v1/projects/${project.projectId}`,
			`/api/v1/sessions/${project.sessionId}`,
			`/api/v1/sessions/${project.sessionId}/transcript`,
			`/api/v1/search?q=${encodeURIComponent('楼道堆物隐藏')}`,
			`/projects/${project.projectId}`
		];
		const answers = [
			await anonymous.get(paths[0]!),
			await author.get(paths[1]!),
			await author.get(paths[2]!),
			await author.get(paths[3]!),
			await anonymous.get(paths[4]!),
			await author.get(paths[5]!, { headers: { accept: 'text/html' } })
		];
		for (const [i, answer] of answers.entries()) {
			expect(answer.status, paths[i]).toBe(200);
			expect(answer.text, paths[i]).not.toContain(words);
		}
		expect(answers[0]!.text).toContain('涉及邻居隐私');
		// The project's record says it was hidden, and still verifies from entry 1.
		const record = JSON.parse(answers[3]!.text) as Transcript;
		expect(record.entries.map((e) => e.type)).toContain('text_hidden');
		expect(record.entries[0]!.content).toEqual({ hidden: true, reason: '涉及邻居隐私' });
		const check = await runVerify([saved(`hidden-project-${store}.json`, record), '--key', key]);
		expect(check.code, check.err).toBe(0);
		// The community's staff still read the words.
		const staff = await fx.moderator.get(`/api/v1/sessions/${project.sessionId}/transcript`);
		expect(staff.text).toContain(words);
	});

	it('[TRUST-PII] a planted ID number and phone number appear in no public answer or transcript entry', async () => {
		const planted = await createSessionWithInvites(server, {
			roles: ['owner'],
			title: '业主表决（探针）'
		});
		const community = planted.session.communityId;
		expectStatus(
			await planted.moderator.request('POST', `/api/v1/communities/${community}/households`, {
				body: `building,unit,area,owner\n探针楼,9901,88.50,张三${ID_NUMBER}\n探针楼,9902,60.25,${PHONE}\n`,
				headers: { 'content-type': 'text/csv' }
			}),
			200
		);
		const register = expectStatus<{ id: string; unit: string; owner: string; seatCode: string }[]>(
			await planted.moderator.get(`/api/v1/communities/${community}/households`),
			200
		);
		const probe = register.filter((h) => h.unit.startsWith('99'));
		expect(probe.map((h) => h.owner).join()).toContain(ID_NUMBER); // moderators see the register
		const owners = await Promise.all(
			probe.map((_, i) =>
				joinAs(server, planted.invites.owner!.token, i === 0 ? `李四${PHONE}` : `身份${ID_NUMBER}`)
			)
		);
		for (const [i, o] of owners.entries())
			expectStatus(
				await o.post(`/api/v1/sessions/${planted.session.id}/seats`, {
					seatCode: probe[i]!.seatCode
				}),
				200
			);
		const vote = expectStatus<{ id: string }>(
			await planted.moderator.post(`/api/v1/items/${planted.session.items[0]!.id}/votes`, {
				question: '探针表决',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'households',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await planted.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const s = await Promise.all(owners.map((o) => joined(server, o, planted.session.id)));
		sockets.push(...s);
		for (const sock of s)
			expect(await emitAck(sock, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
				ok: true
			});
		const live = expectStatus(
			await owners[0]!.get(`/api/v1/sessions/${planted.session.id}/transcript`),
			200
		);
		expectStatus(
			await planted.moderator.post(`/api/v1/sessions/${planted.session.id}/close`, {}),
			200
		);

		const answers: string[] = [JSON.stringify(live)];
		for (const p of [
			`/api/v1/sessions/${planted.session.id}`,
			`/api/v1/sessions/${planted.session.id}/transcript`,
			`/api/v1/sessions/${planted.session.id}/votes`,
			`/api/v1/sessions/${planted.session.id}/minutes.md`,
			`/api/v1/votes/${vote.id}`,
			`/api/v1/votes/${vote.id}/ballots`,
			`/api/v1/search?q=${encodeURIComponent('张三')}`,
			`/api/v1/search?q=${ID_NUMBER}`,
			`/api/v1/search?q=${PHONE}`,
			`/api/v1/items/${planted.session.items[0]!.id}/comments`,
			`/archive/s/${planted.session.id}`,
			`/archive/${community}`,
			`/s/${planted.session.id}`
		]) {
			const r = await anon.get(p);
			answers.push(`${r.status} ${r.text}`);
			const asOwner = await owners[0]!.get(p);
			answers.push(`${asOwner.status} ${asOwner.text}`);
		}
		const all = answers.join('\n');
		for (const needle of [ID_NUMBER, PHONE]) {
			const at = all.indexOf(needle);
			if (at >= 0) console.error('LEAK', all.slice(Math.max(0, at - 300), at + 50));
		}
		expect(all).not.toContain(ID_NUMBER);
		expect(all).not.toContain(PHONE);
		// A full unit, as an address reads (not the same four digits inside a hash or an id).
		const unit = (n: string, text: string) => {
			const at = new RegExp(`(?<![0-9a-z])${n}(?![0-9a-z])`).exec(text);
			if (at) console.error('LEAK', text.slice(Math.max(0, at.index - 300), at.index + 50));
			return at?.[0] ?? null;
		};
		expect(unit('9901', all)).toBeNull();
		expect(unit('9902', all)).toBeNull();
	});

	it('[TRUST-SECRET] closing a secret vote destroys the key that linked seats to ballots', async () => {
		const secretFx = await createSessionWithInvites(server, { roles: ['owner'], title: '不记名' });
		const community = secretFx.session.communityId;
		const register = expectStatus<{ id: string; unit: string; owner: string; seatCode: string }[]>(
			await secretFx.moderator.get(`/api/v1/communities/${community}/households`),
			200
		);
		const h = register[0]!;
		const owner = await joinAs(server, secretFx.invites.owner!.token, '业主甲');
		expectStatus(
			await owner.post(`/api/v1/sessions/${secretFx.session.id}/seats`, { seatCode: h.seatCode }),
			200
		);
		const vote = expectStatus<{ id: string }>(
			await secretFx.moderator.post(`/api/v1/items/${secretFx.session.items[0]!.id}/votes`, {
				question: '不记名表决',
				kind: 'yes_no_abstain',
				secret: true,
				tally: 'live',
				eligibility: 'households',
				changeable: true,
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await secretFx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const sock = await joined(server, owner, secretFx.session.id);
		sockets.push(sock);
		expect(await emitAck(sock, 'ballot:cast', { voteId: vote.id, choice: 'no' })).toMatchObject({
			ok: true
		});
		const before = expectStatus<{ counts: Record<string, { headcount: number }> }>(
			await secretFx.moderator.post(`/api/v1/votes/${vote.id}/close`, {}),
			200
		);
		expect(before.counts.no!.headcount).toBe(1);
		const after = expectStatus<{ counts: Record<string, { headcount: number }> }>(
			await secretFx.moderator.get(`/api/v1/votes/${vote.id}`),
			200
		).counts;
		expect(after).toEqual(before.counts);
		const list = expectStatus<{ ballots: { voter?: string; choice: string[] }[] }>(
			await secretFx.moderator.get(`/api/v1/votes/${vote.id}/ballots`),
			200
		);
		expect(list.ballots).toHaveLength(1);
		expect(list.ballots[0]!.voter).toBeUndefined();

		// Look inside the database itself, as someone who took a copy would.
		await server.stop();
		const rows = await readVote(server, vote.id);
		expect(rows.salt).toBe('');
		const owners = new Set(register.map((r) => r.owner));
		for (const k of rows.eligibleKeys) expect(owners.has(k)).toBe(false);
		for (const k of rows.ballotKeys) {
			expect(rows.eligibleKeys).toContain(k);
			for (const o of owners) expect(k).not.toContain(o);
		}
		server = await server.restart();
	});
});

async function readVote(server: ServerHandle, voteId: string) {
	if (server.store === 'postgres') {
		const sql = postgres(server.databaseUrl!, { max: 1, onnotice: () => {} });
		try {
			const [vote] = await sql`select salt, eligible from votes where id = ${voteId}`;
			const ballots = await sql`select voter_key from ballots where vote_id = ${voteId}`;
			return {
				salt: vote!.salt as string,
				eligibleKeys: (vote!.eligible as { key: string }[]).map((w) => w.key),
				ballotKeys: ballots.map((b) => b.voter_key as string)
			};
		} finally {
			await sql.end();
		}
	}
	const db = new PGlite(server.dataDir);
	try {
		const vote = (
			await db.query<{ salt: string; eligible: { key: string }[] }>(
				'select salt, eligible from votes where id = $1',
				[voteId]
			)
		).rows[0]!;
		const ballots = (
			await db.query<{ voter_key: string }>('select voter_key from ballots where vote_id = $1', [
				voteId
			])
		).rows;
		return {
			salt: vote.salt,
			eligibleKeys: vote.eligible.map((w) => w.key),
			ballotKeys: ballots.map((b) => b.voter_key)
		};
	} finally {
		await db.close();
	}
}
