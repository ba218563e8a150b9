/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (5) Yjs persistence.
 * Throughput: editor A sends one-character updates as fast as the server relays them to editor
 * B (at most `window` in flight) for `seconds`; then we wait until the store holds every one
 * (the probe reads max(doc_updates.id) / doc_snapshots.up_to_id of the doc). Sustained rate =
 * updates / (first send → last one stored). Compaction folds rows into a snapshot every
 * YISHI_DOC_COMPACT_EVERY (500) rows.
 * Compaction cost (full run): the same on a 1 MB proposal at a steady 100 updates/s across a
 * compaction; the latency spike A→B and the event-loop stall are its cost to the room.
 */
import * as Y from 'yjs';
import { admin, sessionWithInvite } from '../lib/http.js';
import { round, sleep, summarize } from '../lib/stats.js';
import { fillProposal, lastText, provider, whenSynced } from '../lib/yjs.js';

export async function run(ctx) {
	const { seconds, window, compaction } = ctx.params;
	const server = ctx.servers.main;
	const probe = (cmd, args) => ctx.call('probe:main', cmd, args);
	const stored = async (docName) => {
		const rows = await probe('sql', {
			text: `select coalesce((select max(id) from doc_updates where doc_name = $1), 0) as m,
			        coalesce((select up_to_id from doc_snapshots where doc_name = $1), 0) as s`,
			params: [docName]
		});
		return { maxId: Number(rows[0].m), snapshotUpTo: Number(rows[0].s) };
	};
	const globalMax = async () => Number((await probe('sql', { text: 'select coalesce(max(id), 0) as m from doc_updates' }))[0].m);

	const adminApi = await admin(server);
	const { session } = await sessionWithInvite(adminApi, {
		title: '持久化（基准）',
		items: [{ title: '吞吐' }, { title: '压缩' }]
	});
	const cookie = adminApi.cookieHeader();
	const mk = async (docName) => {
		const doc = new Y.Doc();
		const p = provider(server, cookie, docName, doc);
		await whenSynced(p, 60_000);
		return { doc, provider: p };
	};

	// ---- throughput ----
	const docName = session.items[0].docName;
	const a = await mk(docName);
	const b = await mk(docName);
	const text = lastText(a.doc);
	await sleep(500);
	const startId = await globalMax();
	let received = 0;
	let wake = null;
	b.doc.on('update', (_u, origin) => {
		if (origin !== b.provider) return;
		received++;
		wake?.();
	});
	await probe('lagReset');
	const t0 = performance.now();
	let sent = 0;
	while (performance.now() - t0 < seconds * 1000) {
		while (sent - received < window) {
			a.doc.transact(() => text.insert(text.length, 'x'));
			sent++;
		}
		await new Promise((resolve) => {
			wake = resolve;
			setTimeout(resolve, 100);
		});
		wake = null;
	}
	const sendEnd = performance.now();
	while (received < sent && performance.now() - sendEnd < 15_000) await sleep(10);
	const relayEnd = performance.now();
	let persistedAt = null;
	let last = null;
	while (performance.now() - sendEnd < 30_000) {
		last = await stored(docName);
		if (Math.max(last.maxId, last.snapshotUpTo) - startId >= sent) {
			persistedAt = performance.now();
			break;
		}
		await sleep(20);
	}
	const lag = await probe('lag');
	const persisted = Math.max(last.maxId, last.snapshotUpTo) - startId;
	const throughput = {
		seconds,
		window,
		sent,
		relayed: received,
		relayedPerSecond: round(received / ((relayEnd - t0) / 1000), 0),
		persisted,
		persistedPerSecond: persistedAt ? round(sent / ((persistedAt - t0) / 1000), 0) : null,
		drainMs: persistedAt ? Math.round(persistedAt - relayEnd) : null,
		snapshotUpTo: last.snapshotUpTo,
		compactionsApprox: last.snapshotUpTo > startId ? Math.floor(persisted / 500) : 0,
		lag
	};
	ctx.log(
		`  throughput: ${throughput.relayedPerSecond} updates/s relayed, ${throughput.persistedPerSecond} /s persisted (${persisted}/${sent}); lag p99 ${lag.p99} max ${lag.max} ms`
	);
	a.provider.destroy();
	b.provider.destroy();

	// ---- compaction of a 1 MB proposal ----
	let compactionResult = null;
	if (compaction) {
		const name = session.items[1].docName;
		const w = await mk(name);
		const bytes = fillProposal(w.doc, 1_000_000);
		const r = await mk(name);
		await sleep(1000);
		const before = await stored(name);
		const t = lastText(w.doc);
		const lat = [];
		const sentAt = [];
		let got = 0;
		r.doc.on('update', (_u, origin) => {
			if (origin !== r.provider) return;
			const at = performance.now();
			if (sentAt[got] !== undefined) lat.push({ i: got, ms: at - sentAt[got] });
			got++;
		});
		const snapshots = [];
		let polling = true;
		const poller = (async () => {
			let prev = before.snapshotUpTo;
			while (polling) {
				const s = await stored(name);
				if (s.snapshotUpTo !== prev) {
					snapshots.push({ at: performance.now(), upTo: s.snapshotUpTo });
					prev = s.snapshotUpTo;
				}
				await sleep(100);
			}
		})();
		await probe('lagReset');
		const count = 700;
		const c0 = performance.now();
		for (let i = 0; i < count; i++) {
			const due = c0 + i * 10;
			const wait = due - performance.now();
			if (wait > 0) await sleep(wait);
			sentAt.push(performance.now());
			w.doc.transact(() => t.insert(t.length, '改'));
		}
		const end = performance.now();
		while (got < count && performance.now() - end < 15_000) await sleep(20);
		await sleep(500);
		polling = false;
		await poller;
		const clag = await probe('lag');
		const ms = lat.map((x) => x.ms);
		const worst = lat.reduce((m, x) => (x.ms > m.ms ? x : m), { i: -1, ms: 0 });
		compactionResult = {
			docBytes: bytes,
			updates: count,
			rate: 100,
			latency: summarize(ms),
			worst: { index: worst.i, ms: round(worst.ms) },
			compactionsSeen: snapshots.length,
			stallMs: round(worst.ms - (summarize(ms).p50 ?? 0)),
			lag: clag
		};
		ctx.log(
			`  compaction on ${Math.round(bytes / 1000)} KB: ${snapshots.length} seen; A→B p50 ${compactionResult.latency.p50} ms, max ${compactionResult.latency.max} ms; lag max ${clag.max} ms`
		);
		w.provider.destroy();
		r.provider.destroy();
	}
	return { throughput, compaction: compactionResult };
}
