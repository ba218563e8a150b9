/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (6) Churn drift: `connected` of `pool` members are in the room at any time; every 100 ms
 * `perSecond/10` of them drop (like WeChat freezing a tab) and as many others come back
 * (socket.io + `session:join` + the proposal's Yjs connection). RSS and heap after gc at the end
 * of a warm-up and at the end of the run; drift = relative growth.
 */
import { admin, sessionWithInvite } from '../lib/http.js';
import { joinMany } from '../lib/room.js';
import { RawSio } from '../lib/sio-raw.js';
import { pool as inPool, round, sleep, summarize } from '../lib/stats.js';
import { PassiveDoc } from '../lib/yjs.js';

export async function run(ctx) {
	const { pool, connected, perSecond, warmupS, seconds } = ctx.params;
	const server = ctx.servers.main;
	const probe = (cmd, args) => ctx.call('probe:main', cmd, args);
	const adminApi = await admin(server);
	const { session, token } = await sessionWithInvite(adminApi, { title: '断线重连（基准）' });
	const docName = session.items[0].docName;
	const joined = await joinMany(server, token, pool, { prefix: '访客' });
	const people = joined.people.map((p, i) => ({ ...p, i, sock: null, doc: null }));
	const joinAcks = [];
	const errors = {};
	const fail = (e) => (errors[String(e?.message ?? e).slice(0, 60)] = (errors[String(e?.message ?? e).slice(0, 60)] ?? 0) + 1);

	const up = async (p) => {
		p.sock = new RawSio(server.wsBase, { Cookie: p.cookie, Origin: server.origin });
		await p.sock.connect();
		const s = performance.now();
		const ack = await p.sock.emitAck('session:join', { sessionId: session.id, presence: 'delta' }, 60_000);
		if (!ack?.ok) throw new Error(`session:join ${ack?.error?.code}`);
		joinAcks.push(performance.now() - s);
		p.doc = await new PassiveDoc(server, p.cookie, docName, `访客${p.i}`).open();
	};
	const down = (p) => {
		p.sock?.terminate();
		p.doc?.ws?.terminate();
		p.doc?.close();
		p.sock = null;
		p.doc = null;
	};
	const online = new Set(people.slice(0, connected));
	const offline = new Set(people.slice(connected));
	await inPool([...online], 20, up);

	let cycles = 0;
	let running = true;
	const perTick = Math.max(1, Math.round(perSecond / 10));
	const loop = (async () => {
		while (running) {
			const t = performance.now();
			const leaving = [...online].sort(() => Math.random() - 0.5).slice(0, perTick);
			const coming = [...offline].sort(() => Math.random() - 0.5).slice(0, perTick);
			for (const p of leaving) {
				online.delete(p);
				down(p);
				offline.add(p);
			}
			for (const p of coming) {
				offline.delete(p);
				online.add(p);
			}
			await Promise.all(coming.map((p) => up(p).then(() => cycles++, fail)));
			await sleep(Math.max(0, 100 - (performance.now() - t)));
		}
	})();
	await sleep(warmupS * 1000);
	const start = await probe('mem', { gc: true });
	const cyclesAtStart = cycles;
	await probe('lagReset');
	await sleep(seconds * 1000);
	const end = await probe('mem', { gc: true });
	const lag = await probe('lag');
	running = false;
	await loop;
	for (const p of people) down(p);
	const result = {
		pool,
		connected,
		perSecond,
		warmupS,
		seconds,
		cycles: cycles - cyclesAtStart,
		achievedPerSecond: round((cycles - cyclesAtStart) / seconds, 1),
		joinAck: summarize(joinAcks),
		errors,
		start,
		end,
		rssDriftPct: round(((end.vmRssKb - start.vmRssKb) / start.vmRssKb) * 100, 2),
		heapDriftPct: round(((end.heapUsed - start.heapUsed) / start.heapUsed) * 100, 2),
		lag
	};
	ctx.log(`  churn: ${result.cycles} reconnects (${result.achievedPerSecond}/s); RSS drift ${result.rssDriftPct} %, heap drift ${result.heapDriftPct} %`);
	return result;
}
