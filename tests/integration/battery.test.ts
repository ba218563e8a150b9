/**
 * The attack battery on the production build: mutated y-websocket frames and malformed
 * socket.io packets on authenticated connections, and `kill -9` of the app while voters vote.
 * `npm test` runs it bounded; `npm run torture` (tests/tools/torture.js) runs the same file at
 * full size through the YISHI_BATTERY_* variables. The odd HTTP bodies over every route are the
 * odd-input battery of authz-matrix.test.ts. Every figure is printed as `battery: …`.
 *
 * What must hold: the process never exits, every connection that sent garbage is closed or
 * answered with an error while the others carry on, memory comes back near where it started,
 * and every ballot the server acknowledged before a crash is counted after it.
 */
import { readFile } from 'node:fs/promises';
import * as encoding from 'lib0/encoding';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import {
	availableStores,
	createSessionWithInvites,
	emitAck,
	eventually,
	expectStatus,
	joinAs,
	socketClient,
	startServer,
	whenSynced,
	yjsProvider,
	type ApiClient,
	type ClientSocket,
	type ServerHandle,
	type SessionFixture
} from './harness';

const size = (name: string, fallback: number) => {
	const value = Number(process.env[name]);
	return Number.isInteger(value) && value > 0 ? value : fallback;
};
const FRAMES = size('YISHI_BATTERY_FRAMES', 1_500);
const PACKETS = size('YISHI_BATTERY_PACKETS', 1_500);
const KILLS = size('YISHI_BATTERY_KILLS', 2);
const VOTERS = size('YISHI_BATTERY_VOTERS', 12);
/** How far above its warmed-up RSS the server may stay once a battery is over. */
const RSS_SLACK_BYTES = 160 * 1024 * 1024;
const LONG = Math.max(600_000, (FRAMES + PACKETS) * 20);

/** mulberry32: a seeded generator, so a failing run can be replayed with the same seed. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const SEED = size('YISHI_BATTERY_SEED', 20261204);

async function rssOf(pid: number): Promise<number> {
	const status = await readFile(`/proc/${pid}/status`, 'utf8');
	const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
	return kb * 1024;
}
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Waits until the server's RSS settles back under `limit` (it may never, which fails). */
async function settlesUnder(server: ServerHandle, limit: number): Promise<number> {
	return eventually(
		async () => {
			const rss = await rssOf(server.pid);
			return rss <= limit ? rss : 0;
		},
		30_000,
		`RSS back under ${mb(limit)}`
	);
}

async function healthy(server: ServerHandle) {
	expect(server.running()).toBe(true);
	expect((await fetch(server.url('/healthz'))).status).toBe(200);
}

/** Valid y-websocket messages of every type the protocol knows, to mutate. */
function seedFrames(): Uint8Array[] {
	const doc = new Y.Doc();
	const paragraph = new Y.XmlElement('paragraph');
	paragraph.insert(0, [new Y.XmlText('电梯加装方案第一稿')]);
	doc.getXmlFragment('prosemirror').insert(0, [paragraph]);
	const frame = (write: (e: encoding.Encoder) => void) => {
		const e = encoding.createEncoder();
		write(e);
		return encoding.toUint8Array(e);
	};
	const awareness = new awarenessProtocol.Awareness(doc);
	awareness.setLocalState({ user: { name: '测试', color: '#333' }, cursor: null });
	const frames = [
		frame((e) => {
			encoding.writeVarUint(e, 0);
			syncProtocol.writeSyncStep1(e, doc);
		}),
		frame((e) => {
			encoding.writeVarUint(e, 0);
			syncProtocol.writeSyncStep2(e, doc);
		}),
		frame((e) => {
			encoding.writeVarUint(e, 0);
			syncProtocol.writeUpdate(e, Y.encodeStateAsUpdate(doc));
		}),
		frame((e) => {
			encoding.writeVarUint(e, 1);
			encoding.writeVarUint8Array(
				e,
				awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID])
			);
		}),
		frame((e) => encoding.writeVarUint(e, 3)),
		frame((e) => {
			encoding.writeVarUint(e, 2);
			encoding.writeVarString(e, 'permission');
		})
	];
	awareness.destroy();
	doc.destroy();
	return frames;
}

/** One mutation of a valid frame: flipped bytes, cut, grown, huge lengths or pure noise. */
function mutate(frame: Uint8Array, random: () => number): Uint8Array {
	const pick = Math.floor(random() * 6);
	const bytes = Uint8Array.from(frame);
	const at = () => Math.floor(random() * bytes.length);
	switch (pick) {
		case 0:
			for (let i = 0; i < 1 + Math.floor(random() * 4); i++) bytes[at()] = random() * 256;
			return bytes;
		case 1:
			return bytes.subarray(0, at());
		case 2: {
			const noise = Uint8Array.from(
				{ length: 1 + Math.floor(random() * 64) },
				() => random() * 256
			);
			const out = new Uint8Array(bytes.length + noise.length);
			const cut = at();
			out.set(bytes.subarray(0, cut));
			out.set(noise, cut);
			out.set(bytes.subarray(cut), cut + noise.length);
			return out;
		}
		case 3: {
			// A length prefix that claims far more than the frame holds.
			const out = Uint8Array.from(bytes);
			if (out.length > 2) out.set([0xff, 0xff, 0xff, 0xff, 0x0f].slice(0, out.length - 2), 2);
			return out;
		}
		case 4:
			return Uint8Array.from({ length: Math.floor(random() * 512) }, () => random() * 256);
		default:
			return Uint8Array.from([bytes[0] ?? 0, ...bytes.subarray(1).reverse()]);
	}
}

/** Runs `count` probes, eight connections at a time; each resolves whether the server kept it. */
async function inParallel(count: number, probe: (i: number) => Promise<boolean>) {
	let next = 0;
	let kept = 0;
	await Promise.all(
		Array.from({ length: 8 }, async () => {
			while (next < count) if (await probe(next++)) kept++;
		})
	);
	return { sent: count, kept, closed: count - kept };
}

/**
 * One mutated frame per connection, then a valid sync step 1: the step 2 that answers it says
 * the server read the frame and carried on; a close says it refused the frame (as it must for
 * one it cannot read). Resolves with how many of each.
 */
function sendFrames(url: string, headers: Record<string, string>, count: number) {
	const random = prng(SEED);
	const seeds = seedFrames();
	return inParallel(
		count,
		() =>
			new Promise<boolean>((resolve) => {
				const ws = new WebSocket(url, { headers });
				ws.on('error', () => {});
				ws.on('close', () => resolve(false));
				ws.on('open', () => {
					ws.send(mutate(seeds[Math.floor(random() * seeds.length)]!, random));
					ws.send(seeds[0]!);
				});
				ws.on('message', (data: Buffer) => {
					// [0 = sync, 1 = step 2]: the answer to a step 1, ours or the mutated one's.
					if (data[0] === 0 && data[1] === 1) {
						ws.removeAllListeners('close');
						ws.close();
						resolve(true);
					}
				});
			})
	);
}

/** Malformed socket.io packets, as a broken or hostile client would write them on the wire. */
function malformedPacket(random: () => number): string | Buffer {
	const events = ['session:join', 'hand:raise', 'hand:lower', 'ballot:cast', 'board:watch', 'x'];
	const event = events[Math.floor(random() * events.length)]!;
	const templates: (() => string | Buffer)[] = [
		() => `42["${event}"`,
		() => `42[${'['.repeat(1 + Math.floor(random() * 5000))}`,
		() => `42["${event}",${'{"a":'.repeat(200)}1${'}'.repeat(200)}]`,
		() => `42["${event}",{"sessionId":"\\u0000","voteId":"\\ud800","choice":1e308}]`,
		() => `42["${event}",{"__proto__":{"admin":true},"constructor":{"prototype":1}}]`,
		() => `451-["${event}",{"_placeholder":true,"num":${Math.floor(random() * 9)}}]`,
		// Any bare packet type but 1: a bare `41` is a well-formed "leave the namespace", after which
		// the probe below is (rightly) ignored rather than answered.
		() => `4${[0, 2, 3, 4, 5, 6, 7, 8, 9][Math.floor(random() * 9)]}`,
		() => `42${Math.floor(random() * 99999)}["${event}",{}]`,
		() => `42/nowhere,["${event}"]`,
		() => `42["${event}","${'x'.repeat(Math.floor(random() * 200_000))}"]`,
		() => `42["${event}",${2 ** 64},${-1e308}]`,
		() => `2probe${String.fromCharCode(Math.floor(random() * 0xffff))}`,
		() => Buffer.from(Array.from({ length: 1 + Math.floor(random() * 64) }, () => random() * 256))
	];
	return templates[Math.floor(random() * templates.length)]!();
}

/**
 * One malformed packet per raw engine.io websocket that completed the socket.io connect with the
 * member's cookie, then a well-formed event with an ack: its answer says the server read the
 * packet and carried on, a close that it dropped the connection.
 */
function sendPackets(server: ServerHandle, member: ApiClient, count: number) {
	const random = prng(SEED + 1);
	const url = `${server.url('/socket.io/').replace(/^http/, 'ws')}?EIO=4&transport=websocket`;
	const headers = { Origin: server.origin, Cookie: member.cookieHeader() };
	return inParallel(
		count,
		() =>
			new Promise<boolean>((resolve) => {
				const ws = new WebSocket(url, { headers });
				let inNamespace = false;
				ws.on('error', () => {});
				ws.on('close', () => resolve(false));
				ws.on('message', (data) => {
					const text = String(data);
					if (text.startsWith('0')) ws.send('40');
					else if (text === '2') ws.send('3');
					else if (text.startsWith('40') && !inNamespace) {
						inNamespace = true;
						ws.send(malformedPacket(random));
						ws.send('4299999["hand:lower",{}]');
					} else if (text.startsWith('4399999')) {
						ws.removeAllListeners('close');
						ws.close();
						resolve(true);
					}
				});
			})
	);
}

/**
 * Odd payloads in well-formed events, through real clients: each must be answered `ok:false`.
 * A fresh connection every 25 events stays under the per-socket rate limit (30 a second), so the
 * payloads reach the input guard and the schemas rather than the limiter.
 */
async function oddEvents(connect: () => Promise<ClientSocket>, count: number) {
	let socket = await connect();
	const random = prng(SEED + 2);
	const odd: unknown[] = [
		null,
		'a\u0000b',
		{ sessionId: 'x\ud800' },
		{ voteId: 1e308, choice: 2 ** 64 },
		JSON.parse('{"__proto__":{"x":1},"sessionId":"s"}'),
		{ sessionId: 'x'.repeat(10_000) },
		[[[[[[[]]]]]]],
		{ voteId: '00000000-0000-0000-0000-000000000000', choice: { yes: 1 }, householdId: [] }
	];
	const events = ['session:join', 'hand:raise', 'ballot:cast', 'board:watch'] as const;
	const answers = new Map<string, number>();
	for (let i = 0; i < count; i++) {
		if (i > 0 && i % 25 === 0) {
			socket.disconnect();
			socket = await connect();
		}
		const event = events[Math.floor(random() * events.length)]!;
		const payload = odd[Math.floor(random() * odd.length)];
		const ack = (await emitAck(socket, event, payload as never)) as {
			ok: boolean;
			error?: { code: string };
		};
		expect(ack.ok).toBe(false);
		const code = ack.error?.code ?? 'none';
		answers.set(code, (answers.get(code) ?? 0) + 1);
	}
	socket.disconnect();
	return answers;
}

describe('the attack battery on live connections', () => {
	let server: ServerHandle;
	let fx: SessionFixture;
	let member: ApiClient;
	let baseline = 0;
	beforeAll(async () => {
		server = await startServer();
		fx = await createSessionWithInvites(server, {
			roles: ['resident'],
			items: [{ title: '电梯加装' }, { title: '坏帧专用' }]
		});
		member = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		// Warm up what a meeting loads anyway, then take the baseline.
		const doc = new Y.Doc();
		const p = yjsProvider(server, member, fx.session.items[0]!.docName, doc);
		await whenSynced(p);
		p.destroy();
		baseline = await rssOf(server.pid);
	}, 240_000);
	afterAll(() => server?.dispose());

	it(
		'survives mutated y-websocket frames while an editor on the same document carries on',
		async () => {
			const docName = fx.session.items[1]!.docName;
			const doc = new Y.Doc();
			const editor = yjsProvider(server, member, docName, doc);
			await whenSynced(editor);
			const url = server.url(`/yjs/${docName}`).replace(/^http/, 'ws');
			const { sent, kept, closed } = await sendFrames(
				url,
				{ Origin: server.origin, Cookie: member.cookieHeader() },
				FRAMES
			);
			await healthy(server);
			// The honest editor's writes still reach a fresh reader of the document.
			const paragraph = new Y.XmlElement('paragraph');
			paragraph.insert(0, [new Y.XmlText('坏帧之后照常编辑')]);
			doc.getXmlFragment('prosemirror').insert(0, [paragraph]);
			const reader = new Y.Doc();
			const check = yjsProvider(server, member, docName, reader);
			await whenSynced(check);
			await eventually(() =>
				reader.getXmlFragment('prosemirror').toString().includes('坏帧之后照常编辑')
			);
			check.destroy();
			editor.destroy();
			const rss = await settlesUnder(server, baseline + RSS_SLACK_BYTES);
			console.log(
				`battery: ${sent} mutated y-websocket frames, one per connection: ${closed} refused with a close, ${kept} read and carried on; process up; RSS ${mb(baseline)} → ${mb(rss)}`
			);
		},
		LONG
	);

	it(
		'survives malformed socket.io packets and answers odd payloads with an error',
		async () => {
			const { sent, kept, closed } = await sendPackets(server, member, PACKETS);
			await healthy(server);
			const answers = await oddEvents(() => socketClient(server, member), Math.min(200, PACKETS));
			expect([...answers.keys()].every((code) => code !== 'internal_error')).toBe(true);
			expect(answers.has('rate_limited')).toBe(false);
			// The same member still joins the meeting afterwards.
			const fresh = await socketClient(server, member);
			const join = await emitAck(fresh, 'session:join', { sessionId: fx.session.id });
			fresh.disconnect();
			expect(join).toMatchObject({ ok: true });
			const rss = await settlesUnder(server, baseline + RSS_SLACK_BYTES);
			console.log(
				`battery: ${sent} malformed socket.io packets, one per connection: ${closed} dropped the connection, ${kept} answered and carried on; then odd events answered ${JSON.stringify(Object.fromEntries(answers))}; process up; RSS ${mb(baseline)} → ${mb(rss)}`
			);
		},
		LONG
	);
});

describe.each(availableStores())('kill -9 while voters vote (%s)', (store) => {
	let server: ServerHandle;
	beforeAll(async () => {
		server = await startServer({ store });
	}, 240_000);
	afterAll(() => server?.dispose());

	it(
		'counts every acknowledged ballot after each crash',
		async () => {
			const fx = await createSessionWithInvites(server, {
				roles: ['resident'],
				maxUses: VOTERS + 1
			});
			const voters: ApiClient[] = [];
			for (let i = 0; i < VOTERS; i++) {
				voters.push(await joinAs(server, fx.invites.resident!.token, `居民${i + 1}`));
			}
			const vote = expectStatus<{ id: string }>(
				await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
					question: '是否同意更换小区大门',
					kind: 'yes_no_abstain',
					secret: true,
					tally: 'live',
					eligibility: 'participants',
					rule: { kind: 'majority_cast' }
				}),
				201
			);
			expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`), 200);

			const receipts = new Map<number, string>();
			// Voters whose cast went out but whose answer a crash swallowed: counted or not, never twice.
			const unknown = new Set<number>();
			const choices = ['yes', 'no', 'abstain'] as const;
			const castRound = async (kill: boolean) => {
				const waiting = voters.map((_, i) => i).filter((i) => !receipts.has(i));
				const sockets = await Promise.all(
					waiting.map(async (i) => {
						const socket = await socketClient(server, voters[i]!);
						await emitAck(socket, 'session:join', { sessionId: fx.session.id });
						return socket;
					})
				);
				let acked = 0;
				const crash = kill ? Math.max(1, Math.floor(waiting.length / (KILLS + 1))) : Infinity;
				let killed: Promise<void> | undefined;
				await Promise.all(
					waiting.map(async (i, k) => {
						const answer = (await emitAck(
							sockets[k]!,
							'ballot:cast',
							{ voteId: vote.id, choice: choices[i % 3]! },
							15_000
						).catch(() => null)) as {
							ok: boolean;
							receipt?: string;
							error?: { code: string };
						} | null;
						if (answer?.ok && answer.receipt) {
							receipts.set(i, answer.receipt);
							unknown.delete(i);
							if (++acked === crash) killed = server.kill9();
						} else if (answer?.error?.code === 'already_voted') {
							unknown.delete(i);
							receipts.set(i, 'earlier');
						} else unknown.add(i);
					})
				);
				for (const s of sockets) s.disconnect();
				if (killed) {
					await killed;
					server = await server.restart();
				}
			};
			for (let round = 0; round < KILLS; round++) await castRound(true);
			while (receipts.size < VOTERS) await castRound(false);

			expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/close`), 200);
			const tally = expectStatus<{ counts: Record<string, { headcount: number }> }>(
				await fx.moderator.get(`/api/v1/votes/${vote.id}`),
				200
			);
			const counted = Object.values(tally.counts).reduce((n, c) => n + c.headcount, 0);
			expect(counted).toBe(VOTERS);
			const { ballots } = expectStatus<{ ballots: { receipt: string }[] }>(
				await fx.moderator.get(`/api/v1/votes/${vote.id}/ballots`),
				200
			);
			const published = new Set(ballots.map((b) => b.receipt));
			const acknowledged = [...receipts.values()].filter((r) => r !== 'earlier');
			expect(acknowledged.filter((r) => !published.has(r))).toEqual([]);
			console.log(
				`battery: ${KILLS} × kill -9 on ${store} while ${VOTERS} voters voted; ${acknowledged.length} acknowledged receipts all published, ${counted} ballots counted`
			);
		},
		LONG
	);
});
