/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (5) Ballot ack latency at a steady rate (default 200 ballots/s for 5 s): `voters` participants
 * sit in the room and `rate × seconds / voters` votes are open at once; ballots go out at their
 * scheduled times, round-robin over voters and votes (an open loop: nobody waits for an ack,
 * like people pressing the button). Ack = `ballot:cast` → `{ok:true}`, sent after the commit.
 * Run once per store by bench.js. Also measures RSS/heap per idle participant on that store
 * (a fit over several room sizes).
 */
import { admin, openVote, sessionWithInvite } from '../lib/http.js';
import { settledMem, slope } from '../lib/mem.js';
import { connectMany, joinMany, profiled, waitQuiet } from '../lib/room.js';
import { sleep, summarize, round } from '../lib/stats.js';

export async function run(ctx) {
	const { rate, seconds, voters } = ctx.params;
	const server = ctx.servers.main;
	const probe = (cmd, args) => ctx.call('probe:main', cmd, args);
	const total = Math.round(rate * seconds);
	const n = Math.min(voters ?? total, total);
	const voteCount = Math.ceil(total / n);
	const adminApi = await admin(server);
	const { session, token } = await sessionWithInvite(adminApi, { title: '确认表决（基准）' });
	const joined = await joinMany(server, token, n);
	await sleep(500);
	// Idle participants on this store: RSS and heap per connected member. The room fills in
	// `memSteps` steps with a settled sample (after gc) before and after each; the figure is the
	// slope of a least-squares line through them — two samples 200 people apart are swamped by
	// allocator noise (the Postgres figure once came out negative).
	const memSteps = ctx.params.memSteps ?? 4;
	const memTries = ctx.params.memTries ?? 3;
	const mem0 = await settledMem(probe, memTries);
	const points = [{ connected: 0, vmRssKb: mem0.vmRssKb, heapUsed: mem0.heapUsed }];
	let lastEventAt = 0;
	const conn = { sockets: [], joinAckRaw: [] };
	let mem1 = mem0;
	for (let k = 0; k < memSteps; k++) {
		const part = joined.people.slice(Math.floor((k * n) / memSteps), Math.floor(((k + 1) * n) / memSteps));
		const c = await connectMany(server, session.id, part, (_p, _raw, at) => (lastEventAt = at));
		conn.sockets.push(...c.sockets);
		conn.joinAckRaw.push(...c.joinAckRaw);
		await waitQuiet(() => lastEventAt, 700, 60_000);
		mem1 = await settledMem(probe, memTries);
		points.push({ connected: conn.sockets.length, vmRssKb: mem1.vmRssKb, heapUsed: mem1.heapUsed });
	}
	conn.joinAck = summarize(conn.joinAckRaw);
	const memory = {
		n,
		before: mem0,
		after: mem1,
		points,
		rssPerParticipantKb: round(slope(points, (p) => p.connected, (p) => p.vmRssKb), 1),
		heapPerParticipantKb: round(slope(points, (p) => p.connected, (p) => p.heapUsed / 1024), 1),
		rssTwoPointKb: round((mem1.vmRssKb - mem0.vmRssKb) / n, 1)
	};
	const voteIds = [];
	for (let v = 0; v < voteCount; v++) voteIds.push(await openVote(adminApi, session.items[0].id, `速率表决 ${v + 1}`));
	await sleep(1000);

	const acks = [];
	const errors = {};
	const sends = [];
	await probe('lagReset');
	const run = await profiled(ctx, 'main', `acks-${server.store}`, async () => {
		const interval = 1000 / rate;
		const start = performance.now() + 20;
		let i = 0;
		await new Promise((resolve) => {
			const tick = () => {
				const now = performance.now();
				while (i < total && start + i * interval <= now) {
					const sentAt = performance.now();
					const voteId = voteIds[Math.floor(i / n)];
					sends.push(
						conn.sockets[i % n].emitAck('ballot:cast', { voteId, choice: i % 3 === 0 ? 'no' : 'yes' }, 60_000).then(
							(answer) => {
								if (answer?.ok) acks.push(performance.now() - sentAt);
								else errors[answer?.error?.code ?? 'refused'] = (errors[answer?.error?.code ?? 'refused'] ?? 0) + 1;
							},
							(err) => (errors[err.message] = (errors[err.message] ?? 0) + 1)
						)
					);
					i++;
				}
				if (i >= total) return resolve();
				setTimeout(tick, Math.max(0, start + i * interval - performance.now()));
			};
			tick();
		});
		const offeredS = (performance.now() - start) / 1000;
		await Promise.all(sends);
		return { offeredS };
	});
	const lag = await probe('lag');
	let finalHeadcount = 0;
	for (const voteId of voteIds) finalHeadcount += (await adminApi.get(`/api/v1/votes/${voteId}`))?.participation?.headcount ?? 0;
	for (const s of conn.sockets) s.terminate();
	const result = {
		store: server.store,
		rate,
		ballots: total,
		voters: n,
		votes: voteCount,
		achievedRate: round(total / run.value.offeredS, 1),
		ack: summarize(acks),
		errors,
		finalHeadcount,
		lost: acks.length - finalHeadcount,
		lag,
		setup: { joinPerSecond: round(joined.perSecond, 1), joinAck: conn.joinAck },
		memory,
		profile: run.profile
	};
	ctx.log(`  ${server.store}: ${total} ballots (${n} voters × ${voteCount} votes) at ${rate}/s: ack p50 ${result.ack.p50} ms p99 ${result.ack.p99} ms; lost ${result.lost}; lag p99 ${lag.p99} ms`);
	return result;
}
