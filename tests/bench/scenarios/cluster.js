/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (8) Two nodes against one, in the same run: `single` is a node alone on Postgres (no Redis),
 * `a` and `b` share another Postgres database and a private redis-server (REDIS_URL). Clients
 * connect to a node directly (no proxy), so "cross-node" is exactly: cast on A, received on B.
 *
 *  - fan-out: one ballot → the tally at the LAST of `fanoutN` receivers; single: voter and
 *    receivers on the lone node; cross: voters on A, every receiver on B.
 *  - editing: a keystroke A → B (y-websocket); single: both on the lone node; cross: A on node
 *    a, B on node b.
 *  - a room of `room` people: all on the lone node vs split half and half over A and B (the
 *    voter on A); fill time, fan-out to the last, RSS of each node after gc.
 *
 * Rounds are `gapMs` apart (> the 100 ms tally coalescing interval), as in fanout.js.
 */
import { admin, join, openVote, sessionWithInvite } from '../lib/http.js';
import { connectMany, joinMany } from '../lib/room.js';
import { tallyHeadcount } from '../lib/sio-raw.js';
import { pool, ratio, round, sleep, summarize } from '../lib/stats.js';
import { fillProposal, provider, whenSynced } from '../lib/yjs.js';
import { type } from './editing.js';
import * as Y from 'yjs';

/** Voters on `voterNode`, receivers spread evenly over `receiverNodes`; answers fan-out stats. */
async function fanout(ctx, label, { voterNode, receiverNodes, n, ballots, gapMs, budgetMs }) {
	const adminApi = await admin(voterNode);
	const { session, token } = await sessionWithInvite(adminApi, { title: `集群基准 ${label}` });
	const rnd = { tag: null, k: 0, n: 0, arrived: 0, lastAt: 0, done: null, id: 0 };
	const see = (person, raw, at) => {
		if (rnd.tag === null || person.round === rnd.id || !raw.startsWith('42["vote:tally"') || !raw.includes(rnd.tag)) return;
		if (tallyHeadcount(raw) < rnd.k) return;
		person.round = rnd.id;
		rnd.arrived++;
		if (at > rnd.lastAt) rnd.lastAt = at;
		if (rnd.arrived === rnd.n) rnd.done?.();
	};
	const deadline = performance.now() + budgetMs;
	const t0 = performance.now();
	const joined = await joinMany(receiverNodes[0], token, n, { deadline });
	const joinMs = performance.now() - t0;
	const people = joined.people.map((x) => Object.assign(x, { round: 0 }));
	const c0 = performance.now();
	const parts = receiverNodes.map((node, k) => people.filter((_, i) => i % receiverNodes.length === k));
	const conns = await Promise.all(
		parts.map((part, k) => connectMany(receiverNodes[k], session.id, part, see, { deadline }))
	);
	const connectMs = performance.now() - c0;
	const receivers = conns.reduce((s, c) => s + c.sockets.length, 0);
	// The voters are not receivers: they only cast, on the voter node.
	const voterPeople = (await pool(Array.from({ length: ballots }, (_, i) => i), 8, (i) => join(voterNode, token, `投票人${i + 1}`))).map((x) =>
		Object.assign(x, { round: 0 })
	);
	const voters = (await connectMany(voterNode, session.id, voterPeople, () => {})).sockets;
	const mem = {};
	for (const key of new Set(receiverNodes.map((x) => x.key).concat(voterNode.key))) mem[key] = await ctx.call(`probe:${key}`, 'mem', { gc: true });
	const result = {
		n,
		receivers,
		joinMs: Math.round(joinMs),
		connectMs: Math.round(connectMs),
		socketFailures: conns.reduce((s, c) => s + c.failures, 0),
		mem: Object.fromEntries(Object.entries(mem).map(([k, m]) => [k, { vmRssKb: m.vmRssKb, heapUsed: m.heapUsed }]))
	};
	if (receivers < n * 0.99 || voters.length < ballots) {
		result.skipped = `only ${receivers}/${n} receivers and ${voters.length}/${ballots} voters connected within ${budgetMs / 1000} s`;
		ctx.log(`  ${label}: ${result.skipped}`);
	} else {
		const voteId = await openVote(adminApi, session.items[0].id, `集群扇出 ${label}`);
		await sleep(500);
		for (const key of Object.keys(mem)) await ctx.call(`probe:${key}`, 'lagReset');
		rnd.tag = voteId;
		const fan = [];
		const ack = [];
		let timeouts = 0;
		for (let k = 1; k <= ballots && timeouts < 3; k++) {
			rnd.id++;
			Object.assign(rnd, { k, n: receivers, arrived: 0, lastAt: 0 });
			const done = new Promise((resolve) => (rnd.done = resolve));
			const s = performance.now();
			const answer = await voters[k - 1].emitAck('ballot:cast', { voteId, choice: 'yes' });
			if (!answer?.ok) throw new Error(`ballot refused: ${JSON.stringify(answer)}`);
			const ackAt = performance.now();
			const res = await Promise.race([done.then(() => 'ok'), sleep(15_000).then(() => 'timeout')]);
			if (res === 'timeout') {
				timeouts++;
				ctx.log(`  ${label} round ${k}: only ${rnd.arrived}/${receivers} receivers got the tally`);
			} else {
				fan.push(rnd.lastAt - s);
				ack.push(ackAt - s);
			}
			await sleep(gapMs);
		}
		rnd.tag = null;
		result.fanout = summarize(fan);
		result.ack = summarize(ack);
		result.timeouts = timeouts;
		result.lag = {};
		for (const key of Object.keys(mem)) result.lag[key] = await ctx.call(`probe:${key}`, 'lag');
		await adminApi.post(`/api/v1/votes/${voteId}/close`);
		ctx.log(
			`  ${label}: ${receivers} receivers (filled in ${((joinMs + connectMs) / 1000).toFixed(1)} s) — fan-out p50 ${result.fanout.p50} ms p99 ${result.fanout.p99} ms (ack p50 ${result.ack.p50} ms)`
		);
	}
	for (const c of conns) for (const s of c.sockets) s.terminate();
	for (const s of voters) s.terminate();
	await sleep(1000);
	return result;
}

/** Keystrokes typed by A (on `nodeA`) and received by B (on `nodeB`). */
async function edit(ctx, label, { nodeA, nodeB, keystrokes, perSecond }) {
	const adminApi = await admin(nodeA);
	const { session, token } = await sessionWithInvite(adminApi, { title: `集群编辑 ${label}`, items: [{ title: '停车位方案' }] });
	const docName = session.items[0].docName;
	const pa = await join(nodeA, token, '编辑者A');
	const pb = await join(nodeA, token, '编辑者B');
	const mk = async (node, person, name) => {
		const doc = new Y.Doc();
		const p = provider(node, person.cookie, docName, doc);
		p.awareness.setLocalStateField('user', { name, color: '#c0392b' });
		await whenSynced(p, 60_000);
		return { doc, provider: p };
	};
	const a = await mk(nodeA, pa, 'A');
	fillProposal(a.doc, 25_000);
	const b = await mk(nodeB, pb, 'B');
	// B must hold A's proposal before timing starts (across nodes it arrives through Redis).
	const filled = performance.now() + 30_000;
	while (b.doc.getXmlFragment('prosemirror').length === 0 && performance.now() < filled) await sleep(50);
	await sleep(500);
	await ctx.call(`probe:${nodeB.key}`, 'lagReset');
	const r = await type(ctx, a, b, keystrokes, perSecond);
	r.lag = await ctx.call(`probe:${nodeB.key}`, 'lag');
	a.provider.destroy();
	b.provider.destroy();
	ctx.log(`  edit ${label}: p50 ${r.latency.p50} ms p99 ${r.latency.p99} ms (${r.lost} lost)`);
	return r;
}

export async function run(ctx) {
	const p = ctx.params;
	const node = (key) => Object.assign({ key }, ctx.servers[key]);
	const single = node('single');
	const a = node('a');
	const b = node('b');
	const fan = { n: p.fanoutN, ballots: p.ballots, gapMs: p.gapMs, budgetMs: p.connectBudgetMs };

	const fanSingle = await fanout(ctx, `单节点 N=${p.fanoutN}`, { ...fan, voterNode: single, receiverNodes: [single] });
	const fanCross = await fanout(ctx, `A→B N=${p.fanoutN}`, { ...fan, voterNode: a, receiverNodes: [b] });
	const editSingle = await edit(ctx, 'single node', { nodeA: single, nodeB: single, keystrokes: p.keystrokes, perSecond: p.perSecond });
	const editCross = await edit(ctx, 'A→B', { nodeA: a, nodeB: b, keystrokes: p.keystrokes, perSecond: p.perSecond });
	const room = { n: p.room, ballots: p.roomBallots, gapMs: p.gapMs, budgetMs: p.connectBudgetMs };
	const roomSingle = await fanout(ctx, `单节点 ${p.room} 人`, { ...room, voterNode: single, receiverNodes: [single] });
	const roomSplit = await fanout(ctx, `两节点 ${p.room} 人`, { ...room, voterNode: a, receiverNodes: [a, b] });
	return {
		params: p,
		fanout: {
			single: fanSingle,
			cross: fanCross,
			ratioP50: ratio(fanCross.fanout?.p50 ?? null, fanSingle.fanout?.p50 ?? null),
			ratioP99: ratio(fanCross.fanout?.p99 ?? null, fanSingle.fanout?.p99 ?? null)
		},
		editing: {
			single: editSingle,
			cross: editCross,
			ratioP50: ratio(editCross.latency.p50, editSingle.latency.p50),
			ratioP99: ratio(editCross.latency.p99, editSingle.latency.p99)
		},
		room: {
			single: roomSingle,
			split: roomSplit,
			ratioP50: ratio(roomSplit.fanout?.p50 ?? null, roomSingle.fanout?.p50 ?? null),
			ratioP99: ratio(roomSplit.fanout?.p99 ?? null, roomSingle.fanout?.p99 ?? null),
			fillRatio: round((roomSplit.joinMs + roomSplit.connectMs) / Math.max(1, roomSingle.joinMs + roomSingle.connectMs), 2)
		}
	};
}
