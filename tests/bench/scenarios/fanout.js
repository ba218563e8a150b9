/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (1) Tally fan-out: one ballot → the updated tally received by the LAST of N participants, for
 * each N in `levels`, through our server and — in the same run — a bare `ws` server and a bare
 * socket.io server (tests/bench/baseline-server.js), all received by the same raw clients.
 * (2) Vote storm at N = storm.at, and (6) RSS/heap per idle participant at N = memAt, happen in
 * the same room while it is full.
 *
 * A round: the voter's `ballot:cast` is emitted at t0; every receiver notes the first
 * `vote:tally` of that vote whose participation.headcount reaches k; fan-out = last arrival −
 * t0 (so it includes the commit, the tally query and the coalescer's tick). Rounds are
 * `gapMs` apart (> the 100 ms tally coalescing interval), so none waits for a trailing flush.
 */
import WebSocket from 'ws';
import { admin, openVote, sessionWithInvite } from '../lib/http.js';
import { settledMem, slope } from '../lib/mem.js';
import { connectMany, joinMany, profiled, waitQuiet } from '../lib/room.js';
import { RawSio, tallyHeadcount } from '../lib/sio-raw.js';
import { pool, ratio, round, sleep, summarize } from '../lib/stats.js';

export async function run(ctx) {
	const p = ctx.params;
	const server = ctx.servers.main;
	const probe = (cmd, args) => ctx.call('probe:main', cmd, args);
	const adminApi = await admin(server);
	const { session, token } = await sessionWithInvite(adminApi, { title: '楼栋表决（基准）' });
	const itemId = session.items[0].id;
	const notes = [];

	// ---- one round = one ballot, waited for at every receiver ----
	const rnd = { id: 0, tag: null, k: 0, n: 0, arrived: 0, firstAt: 0, lastAt: 0, done: null };
	const see = (rec, raw, at) => {
		if (rnd.tag === null || rec.round === rnd.id || !raw.includes(rnd.tag)) return;
		if (tallyHeadcount(raw) < rnd.k) return;
		rec.round = rnd.id;
		rnd.arrived++;
		if (at > rnd.lastAt) rnd.lastAt = at;
		if (!rnd.firstAt || at < rnd.firstAt) rnd.firstAt = at;
		if (rnd.arrived === rnd.n) rnd.done?.();
	};
	async function rounds(label, n, count, send, tag) {
		rnd.tag = tag;
		const fan = [];
		const ack = [];
		const ackToLast = [];
		const first = [];
		let timeouts = 0;
		let missing = 0;
		for (let k = 1; k <= count; k++) {
			rnd.id++;
			Object.assign(rnd, { k, n, arrived: 0, firstAt: 0, lastAt: 0 });
			const done = new Promise((resolve) => (rnd.done = resolve));
			const t0 = performance.now();
			const ackAt = await send(k);
			const res = await Promise.race([done.then(() => 'ok'), sleep(15_000).then(() => 'timeout')]);
			if (res === 'timeout') {
				timeouts++;
				missing += n - rnd.arrived;
				ctx.log(`  ${label} round ${k}: only ${rnd.arrived}/${n} receivers got the tally`);
				if (timeouts >= 3) break;
			} else {
				fan.push(rnd.lastAt - t0);
				first.push(rnd.firstAt - t0);
				ack.push(ackAt - t0);
				ackToLast.push(rnd.lastAt - ackAt);
			}
			await sleep(p.gapMs);
		}
		rnd.tag = null;
		return {
			fanout: summarize(fan),
			first: summarize(first),
			ack: summarize(ack),
			ackToLast: summarize(ackToLast),
			timeouts,
			missing
		};
	}

	// ---- our server: people, sockets ----
	const people = [];
	let lastPresenceAt = 0;
	let presenceFrames = 0;
	let presenceBytes = 0;
	let storm = null;
	const onEvent = (person, raw, at) => {
		if (raw.startsWith('42["presence')) {
			lastPresenceAt = at;
			presenceFrames++;
			presenceBytes += raw.length;
		} else if (raw.startsWith('42["vote:tally"')) {
			if (storm && raw.includes(storm.voteId)) person.stormSeen.push(at, tallyHeadcount(raw));
			see(person, raw, at);
		}
	};
	const levels = p.levels;
	const setup = { joins: [], levels: [] };
	const results = [];
	let memory = null;
	let stormResult = null;
	let connected = 0;

	const ensureJoined = async (n, deadline = Infinity) => {
		if (people.length >= n) return;
		const r = await joinMany(server, token, n - people.length, { offset: people.length, deadline });
		for (const person of r.people) people.push(Object.assign(person, { stormSeen: [], round: 0 }));
		setup.joins.push({ count: r.people.length, ms: Math.round(r.ms), perSecond: round(r.perSecond, 1), latency: r.latency });
		ctx.log(`  joined ${r.people.length} by invite in ${(r.ms / 1000).toFixed(1)} s (${r.perSecond.toFixed(0)}/s)`);
	};

	const memAt = levels.includes(p.memAt) ? p.memAt : null;
	const memPoints = [];
	await ensureJoined(Math.max(levels[0], memAt ?? 0));
	const mem0 = memAt ? await settledMem(probe) : null;

	for (const n of levels) {
		try {
			await level(n);
		} catch (error) {
			ctx.log(`  N=${n} failed: ${error?.stack ?? error}`);
			notes.push(`N=${n}: failed: ${String(error?.message ?? error).slice(0, 300)}`);
			results.push({ n, skipped: `failed: ${String(error?.message ?? error).slice(0, 120)}` });
			break;
		}
		if (results.at(-1)?.skipped) break;
	}

	async function level(n) {
		// A person costs more the fuller the room (each join's snapshot lists everyone; each
		// presence tick reaches everyone): skip a level that the last level's cost per person,
		// for the people still to come, already puts over the budget.
		const prev = setup.levels.at(-1);
		if (prev && prev.added > 0) {
			const predictedMs = (prev.fillMs / prev.added) * (n - prev.connected);
			if (predictedMs > p.connectBudgetMs) {
				const why = `filling the room from ${prev.connected} to ${n} would take ≥ ${Math.round(predictedMs / 1000)} s (the last ${prev.added} took ${Math.round(prev.fillMs / 1000)} s, and a person costs more the fuller the room), over the ${p.connectBudgetMs / 1000} s budget`;
				notes.push(`N=${n}: not measured: ${why}.`);
				results.push({ n, skipped: why });
				return;
			}
		}
		const fill0 = performance.now();
		const connectedBefore = people.filter((x) => x.socket?.connected).length;
		const budgetEnd = fill0 + p.connectBudgetMs;
		await ensureJoined(n, budgetEnd);
		const joinMs = performance.now() - fill0;
		await probe('lagReset');
		// At the memory level the room fills in 4 steps, with RSS/heap (after gc) taken after
		// each: per-participant memory is the slope of a least-squares fit, steadier than two points.
		const todo = people.slice(0, n).filter((x) => !x.socket?.connected);
		const steps = n === memAt ? 4 : 1;
		const conn = { sockets: [], failures: 0, errors: {}, aborted: false, joinAcks: [] };
		let connectMs = 0;
		for (let k = 0; k < steps; k++) {
			const part = todo.slice(Math.floor((k * todo.length) / steps), Math.floor(((k + 1) * todo.length) / steps));
			const c0 = performance.now();
			const { value: c } = await profiled(ctx, 'main', `fill-${n}-${k + 1}`, () =>
				connectMany(server, session.id, part, onEvent, { deadline: budgetEnd })
			);
			connectMs += performance.now() - c0;
			conn.sockets.push(...c.sockets);
			conn.failures += c.failures;
			Object.assign(conn.errors, c.errors);
			conn.aborted ||= c.aborted;
			conn.joinAcks.push(...c.joinAckRaw);
			if (steps > 1) {
				await waitQuiet(() => lastPresenceAt, 700, 60_000);
				const m = await settledMem(probe);
				memPoints.push({ connected: people.filter((x) => x.socket?.connected).length, vmRssKb: m.vmRssKb, heapUsed: m.heapUsed });
			}
		}
		conn.joinAck = summarize(conn.joinAcks);
		connected = people.filter((x) => x.socket?.connected).length;
		const settle = await waitQuiet(() => lastPresenceAt, 700, 60_000);
		const lag = await probe('lag');
		const level = {
			n,
			connected,
			added: connected - connectedBefore,
			joinMs: Math.round(joinMs),
			connectMs: Math.round(connectMs),
			fillMs: Math.round(joinMs + connectMs),
			joinAck: conn.joinAck,
			settleMs: settle === null ? null : Math.round(settle),
			presenceFrames,
			presenceMB: round(presenceBytes / 1e6, 1),
			lag,
			socketFailures: conn.failures,
			socketErrors: conn.errors
		};
		setup.levels.push(level);
		ctx.log(
			`  N=${n}: ${connected} connected in ${(level.connectMs / 1000).toFixed(1)} s; session:join ack p50 ${conn.joinAck.p50} ms p99 ${conn.joinAck.p99} ms; presence ${presenceFrames} frames, ${level.presenceMB} MB received; server lag p99 ${lag.p99} ms`
		);
		if (conn.aborted || connected < n * 0.99) {
			notes.push(
				`N=${n}: only ${connected} of ${n} sockets had joined the room after the ${p.connectBudgetMs / 1000} s connect budget; fan-out @${n} not measured`
			);
			results.push({ n, skipped: `connect budget exceeded (${connected}/${n} joined)` });
			return;
		}

		if (n === memAt) {
			const mem1 = await settledMem(probe);
			const points = [{ connected: 0, vmRssKb: mem0.vmRssKb, heapUsed: mem0.heapUsed }, ...memPoints];
			memory = {
				n,
				before: mem0,
				after: mem1,
				points,
				rssPerParticipantKb: round(slope(points, (x) => x.connected, (x) => x.vmRssKb), 1),
				heapPerParticipantKb: round(slope(points, (x) => x.connected, (x) => x.heapUsed / 1024), 1),
				rssTwoPointKb: round((mem1.vmRssKb - mem0.vmRssKb) / n, 1)
			};
			ctx.log(`  idle participant: ${memory.rssPerParticipantKb} KB RSS, ${memory.heapPerParticipantKb} KB heap each`);
		}

		// ---- ours ----
		const sockets = people.filter((x) => x.socket?.connected).map((x) => x.socket);
		const voteId = await openVote(adminApi, itemId, `扇出 N=${n}`);
		await sleep(500);
		await probe('lagReset');
		const ours = await profiled(ctx, 'main', `fanout-${n}`, () =>
			rounds('ours', sockets.length, p.ballots, async (k) => {
				const answer = await sockets[k - 1].emitAck('ballot:cast', { voteId, choice: 'yes' });
				if (!answer?.ok) throw new Error(`ballot refused: ${JSON.stringify(answer)}`);
				return performance.now();
			}, voteId)
		);
		ours.value.lag = await probe('lag');
		if (ours.profile) ours.value.profile = ours.profile;
		ctx.log(`  ours  N=${n}: fan-out p50 ${ours.value.fanout.p50} ms p99 ${ours.value.fanout.p99} ms (ack p50 ${ours.value.ack.p50} ms)`);
		await adminApi.post(`/api/v1/votes/${voteId}/close`);

		// ---- baselines ----
		const ws = await baselineWs(ctx, n, p.ballots, rounds, see);
		ctx.log(`  ws    N=${n}: fan-out p50 ${ws.fanout.p50} ms p99 ${ws.fanout.p99} ms`);
		const sio = await baselineSio(ctx, n, p.ballots, rounds, see);
		ctx.log(`  sio   N=${n}: fan-out p50 ${sio.fanout.p50} ms p99 ${sio.fanout.p99} ms`);
		results.push({
			n,
			ours: ours.value,
			ws,
			sio,
			ratioWsP50: ratio(ours.value.fanout.p50, ws.fanout.p50),
			ratioWsP99: ratio(ours.value.fanout.p99, ws.fanout.p99),
			ratioSioP50: ratio(ours.value.fanout.p50, sio.fanout.p50),
			ratioSioP99: ratio(ours.value.fanout.p99, sio.fanout.p99)
		});

		if (p.storm && n === p.storm.at) {
			try {
				const voters = people.filter((x) => x.socket?.connected).slice(0, p.storm.n);
				stormResult = await runStorm(ctx, adminApi, itemId, voters, (s) => (storm = s));
			} catch (error) {
				stormResult = { error: String(error?.message ?? error).slice(0, 300) };
			}
			storm = null;
		}
	}

	for (const person of people) person.socket?.terminate();
	return { sessionId: session.id, setup, levels: results, memory, storm: stormResult, notes };
}

/** N raw `ws` clients on the bare ws server; ballots are "b<k>", acks "a<k>". */
async function baselineWs(ctx, n, count, rounds, see) {
	const tag = `v-ws-${n}-${Date.now()}`;
	const base = await ctx.call('orch', 'startBaseline', { kind: 'ws', tag });
	const clients = await pool(Array.from({ length: n }), 100, () =>
		new Promise((resolve, reject) => {
			const ws = new WebSocket(base.wsBase, { perMessageDeflate: false });
			const rec = { round: 0, ack: null, ws };
			ws.on('message', (data) => {
				const at = performance.now();
				const s = data.toString();
				if (s.charCodeAt(0) === 97 /* a */) rec.ack?.(at);
				else if (s.startsWith('["vote:tally"')) see(rec, s, at);
			});
			ws.on('open', () => resolve(rec));
			ws.on('error', reject);
		})
	);
	const r = await rounds('ws', n, count, (k) => {
		const rec = clients[k - 1];
		return new Promise((resolve) => {
			rec.ack = resolve;
			rec.ws.send(`b${k}`);
		});
	}, tag);
	for (const c of clients) c.ws.terminate();
	await ctx.call('orch', 'stopBaseline', { pid: base.pid });
	return r;
}

/** N raw socket.io clients in one room of the bare socket.io server. */
async function baselineSio(ctx, n, count, rounds, see) {
	const tag = `v-sio-${n}-${Date.now()}`;
	const base = await ctx.call('orch', 'startBaseline', { kind: 'sio', tag });
	const clients = await pool(Array.from({ length: n }), 100, async () => {
		const rec = { round: 0 };
		rec.sock = new RawSio(base.wsBase, {}, (raw, at) => {
			if (raw.startsWith('42["vote:tally"')) see(rec, raw, at);
		});
		await rec.sock.connect();
		await rec.sock.emitAck('join', 'room');
		return rec;
	});
	const r = await rounds('sio', n, count, async (k) => {
		await clients[k - 1].sock.emitAck('ballot:cast', { room: 'room', k });
		return performance.now();
	}, tag);
	for (const c of clients) c.sock.terminate();
	await ctx.call('orch', 'stopBaseline', { pid: base.pid });
	return r;
}

/**
 * (2) Vote storm: `n` ballots within `windowMs`, arrival times from an exponential with mean
 * `tauMs` truncated to the window (most people vote in the first seconds). Staleness of a
 * ballot = first tally on the voter's own socket with headcount ≥ its rank in ack order, minus
 * its ack (0 if that tally came first). Lost = acked ballots missing from the final tally.
 */
async function runStorm(ctx, adminApi, itemId, voters, setStorm) {
	const { windowMs, tauMs } = ctx.params.storm;
	const probe = (cmd, args) => ctx.call('probe:main', cmd, args);
	const voteId = await openVote(adminApi, itemId, '风暴表决');
	for (const v of voters) v.stormSeen = [];
	setStorm({ voteId });
	await sleep(1000);
	const times = voters
		.map(() => -tauMs * Math.log(1 - Math.random() * (1 - Math.exp(-windowMs / tauMs))))
		.sort((a, b) => a - b);
	const ballots = [];
	await probe('lagReset');
	const run = await profiled(ctx, 'main', 'storm', async () => {
		const start = performance.now() + 50;
		const sends = [];
		let i = 0;
		await new Promise((resolve) => {
			const tick = () => {
				const now = performance.now();
				while (i < voters.length && start + times[i] <= now) {
					const v = voters[i];
					const b = { v, sentAt: performance.now(), ackAt: null, ok: false, error: null };
					ballots.push(b);
					sends.push(
						v.socket.emitAck('ballot:cast', { voteId, choice: 'yes' }, 60_000).then(
							(answer) => {
								b.ackAt = performance.now();
								b.ok = Boolean(answer?.ok);
								if (!b.ok) b.error = answer?.error?.code ?? 'refused';
							},
							(err) => {
								b.error = String(err.message);
							}
						)
					);
					i++;
				}
				if (i >= voters.length) return resolve();
				setTimeout(tick, Math.max(0, Math.min(5, start + times[i] - performance.now())));
			};
			tick();
		});
		const sentMs = performance.now() - start;
		await Promise.all(sends);
		await sleep(1500);
		return { sentMs };
	});
	const lag = await probe('lag');
	const final = await adminApi.get(`/api/v1/votes/${voteId}`);
	const acked = ballots.filter((b) => b.ok).sort((a, b) => a.ackAt - b.ackAt);
	const staleness = [];
	let neverSeen = 0;
	acked.forEach((b, index) => {
		const rank = index + 1;
		const seen = b.v.stormSeen;
		let at = null;
		for (let j = 0; j < seen.length; j += 2)
			if (seen[j + 1] >= rank) {
				at = seen[j];
				break;
			}
		if (at === null) neverSeen++;
		else staleness.push(Math.max(0, at - b.ackAt));
	});
	const tallyFrames = voters.reduce((s, v) => s + v.stormSeen.length / 2, 0) / voters.length;
	const errors = {};
	for (const b of ballots) if (!b.ok) errors[b.error] = (errors[b.error] ?? 0) + 1;
	const finalHeadcount = final?.participation?.headcount ?? null;
	const result = {
		n: voters.length,
		windowMs,
		tauMs,
		sentMs: Math.round(run.value.sentMs),
		ack: summarize(acked.map((b) => b.ackAt - b.sentAt)),
		staleness: summarize(staleness),
		neverSeen,
		acked: acked.length,
		errors,
		finalHeadcount,
		lost: finalHeadcount === null ? null : acked.length - finalHeadcount,
		tallyFramesPerSocket: round(tallyFrames, 1),
		lag,
		profile: run.profile
	};
	ctx.log(
		`  storm ${voters.length} ballots: ack p50 ${result.ack.p50} p99 ${result.ack.p99} ms; staleness p99 ${result.staleness.p99} ms; lost ${result.lost}; lag p99 ${lag.p99} ms`
	);
	await adminApi.post(`/api/v1/votes/${voteId}/close`);
	return result;
}
