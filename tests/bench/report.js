/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Targets and the Markdown rendering of a bench report. Every figure that depends on
 * the machine is shown next to a baseline measured in the same run.
 */

const get = (obj, path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
const fmt = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v) ? '—' : Number(v).toFixed(digits));
const ms = (v) => (v === null || v === undefined ? '—' : `${fmt(v, v < 10 ? 2 : 1)} ms`);

/**
 * @returns {{id:string, section:string, target:string, measured:string, value:number|null,
 *            limit:number, baseline?:string, met:boolean|null, note?:string}[]}
 */
export function evaluateTargets(r) {
	const t = [];
	const add = (id, section, target, value, limit, measured, extra = {}) => {
		const met = value === null || value === undefined || Number.isNaN(value) ? null : value <= limit;
		t.push({ id, section, target, value: value ?? null, limit, measured, met, ...extra });
	};
	const levels = get(r, 'fanout.levels') ?? [];
	for (const [n, limit] of [
		[200, 15],
		[1000, 50],
		[5000, 150]
	]) {
		const l = levels.find((x) => x.n === n);
		const v = l?.ours?.fanout?.p99 ?? null;
		add(`fanout-${n}`, '1', `fan-out p99 ≤ ${limit} ms @${n}`, v, limit, l?.skipped ? `not measured: ${l.skipped}` : ms(v), {
			baseline: l?.ws ? `bare ws ${ms(l.ws.fanout.p99)}, bare socket.io ${ms(l.sio.fanout.p99)}` : undefined,
			note: !l ? (r.meta?.mode === 'quick' ? 'not in --quick' : 'not run') : undefined
		});
		if (l && !l.skipped)
			add(`fanout-ratio-${n}`, '1', `fan-out p99 ≤ 1.6× bare ws @${n}`, l.ratioWsP99, 1.6, `${fmt(l.ratioWsP99, 2)}×`, {
				baseline: `bare ws p99 ${ms(l.ws.fanout.p99)}`
			});
	}
	const storm = get(r, 'fanout.storm');
	add('storm-staleness', '2', `storm staleness p99 ≤ 250 ms (${storm?.n ?? '—'} ballots in ${fmt((storm?.windowMs ?? 0) / 1000, 0)} s)`, storm?.staleness?.p99 ?? null, 250, ms(storm?.staleness?.p99));
	add('storm-lost', '2', 'storm ballots lost = 0', storm?.lost ?? null, 0, storm ? String(storm.lost) : '—');
	for (const store of ['pglite', 'postgres']) {
		const a = get(r, `acks.${store}`);
		add(`ack-${store}`, '5', `ballot ack p99 ≤ 20 ms at ${a?.rate ?? 200}/s (${store === 'pglite' ? 'PGlite' : 'Postgres'})`, a?.ack?.p99 ?? null, 20, a?.error ? `error: ${a.error.slice(0, 80)}` : ms(a?.ack?.p99));
	}
	const e = get(r, 'app.editing');
	add('edit-p50', '4', `edit A→B p50 ≤ 1 ms (${e?.passive ?? 200} passive members)`, e?.withCrowd?.latency?.p50 ?? null, 1, ms(e?.withCrowd?.latency?.p50), {
		baseline: e ? `empty room ${ms(e.alone.latency.p50)}${e.bareRelay ? `, bare y-websocket ${ms(e.bareRelay.latency.p50)}` : ''}` : undefined
	});
	add('edit-p99', '4', `edit A→B p99 ≤ 5 ms (${e?.passive ?? 200} passive members)`, e?.withCrowd?.latency?.p99 ?? null, 5, ms(e?.withCrowd?.latency?.p99), {
		baseline: e ? `empty room ${ms(e.alone.latency.p99)}${e.bareRelay ? `, bare y-websocket ${ms(e.bareRelay.latency.p99)}` : ''}` : undefined
	});
	const sizes = get(r, 'app.join.sizes') ?? [];
	for (const [size, limit] of [
		[25_000, 10],
		[250_000, 75]
	]) {
		const s = sizes.find((x) => x.size === size);
		add(`sync-${size}`, '3', `WS open → synced ≤ ${limit} ms (${size / 1000} KB; warm p50)`, s?.warm?.yjsSync?.p50 ?? null, limit, s ? `${ms(s.warm.yjsSync.p50)} (p99 ${ms(s.warm.yjsSync.p99)}; cold ${ms(s.cold?.yjsSync)})` : '—');
	}
	// RSS per idle participant (socket.io connected, in the room); heap is shown beside it, and
	// the Postgres-store figure from the acks room for comparison.
	const memP = get(r, 'fanout.memory');
	const memG = get(r, 'acks.postgres.memory');
	// The target is judged on the largest room measured (the fan-out room; the acks room is
	// only 200 people, where allocator noise of ±10 MB swamps the figure).
	const rssPer = typeof memP?.rssPerParticipantKb === 'number' ? memP.rssPerParticipantKb : null;
	const memNote = !memP && r.meta?.mode === 'quick' ? 'not in --quick' : undefined;
	add(
		'rss-participant',
		'6',
		'≤ 20 KB RSS per idle participant',
		rssPer,
		20,
		[memP && `PGlite ${fmt(memP.rssPerParticipantKb)} KB (heap ${fmt(memP.heapPerParticipantKb)} KB, N=${memP.n})`, memG && `Postgres ${fmt(memG.rssPerParticipantKb)} KB (heap ${fmt(memG.heapPerParticipantKb)} KB, N=${memG.n})`]
			.filter(Boolean)
			.join('; ') || '—',
		{ note: memNote }
	);
	const rooms = get(r, 'rooms');
	add('heap-room', '6', '≤ 30 KB heap per idle room', rooms?.heapPerRoomKb ?? null, 30, rooms?.heapPerRoomKb !== undefined ? `${fmt(rooms.heapPerRoomKb)} KB (${rooms.count} rooms)` : '—');
	const churn = get(r, 'churn');
	add('churn-drift', '6', '< 5 % RSS drift over the churn run', churn?.rssDriftPct ?? null, 5, churn?.rssDriftPct !== undefined ? `${fmt(churn.rssDriftPct)} % (heap ${fmt(churn.heapDriftPct)} %; at the second half's rate ${fmt(churn.rssSteadyPct)} %)` : '—');
	const room = get(r, 'app.pageWeight.room');
	add('js-initial', '7', 'participant room initial JS ≤ 100 KB gz', room?.initial?.gzKb ?? null, 100, room ? `${fmt(room.initial.gzKb)} KB` : '—');
	// Before 编辑 = every script an empty cache fetches by network idle (what the first paint
	// needs and what the room loads after it), not only what the HTML points at.
	add('js-before-edit', '7', 'participant room JS before 编辑 ≤ 100 KB gz (empty cache)', room?.loaded?.gzKb ?? null, 100, room ? `${fmt(room.loaded.gzKb)} KB (${room.loaded.files} files)` : '—');
	const withEditor = room?.withEditor ?? null;
	add('js-editor', '7', 'participant room with editor ≤ 160 KB gz', withEditor?.gzKb ?? null, 160, withEditor ? `${fmt(withEditor.gzKb)} KB` : '—');
	const slow = get(r, 'app.slow4g');
	add('slow4g-join', '9', 'Slow 4G + 4× CPU: tap 加入 → proposal visible ≤ 2.5 s (p50)', slow?.joinToProposal?.p50 ?? null, 2500, slow?.joinToProposal ? `${ms(slow.joinToProposal.p50)} (cold reload ${ms(slow.coldReload.p50)}, warm ${ms(slow.warmReload.p50)}; ${slow.runs} runs)` : '—');
	// The cold reload's figure: right after 加入 the invite page's scripts (Svelte, SvelteKit)
	// are cached already, so the bytes fetched then leave out a third of what the room needs.
	add('slow4g-js', '9', 'Slow 4G: room JS before 编辑 ≤ 100 KB on the wire (empty cache)', slow?.beforeEdit?.coldReloadScriptsKb ?? null, 100, slow?.beforeEdit ? `${fmt(slow.beforeEdit.coldReloadScriptsKb)} KB (after 加入, with the invite page's scripts cached: ${fmt(slow.beforeEdit.scriptsKb)} KB in ${slow.beforeEdit.files} files; editor chunks ${slow.beforeEdit.editorChunks.length})` : '—');
	add('slow4g-fonts', '9', 'no web fonts', slow?.beforeEdit?.fonts ?? null, 0, slow?.beforeEdit ? String(slow.beforeEdit.fonts) : '—');
	const cl = r.cluster;
	const clNote = cl?.skipped ? `not measured: ${cl.skipped}` : cl?.error ? `error: ${cl.error.slice(0, 80)}` : null;
	const cf = cl?.fanout;
	add('cluster-fanout', '8', `cross-node fan-out p50 ≤ 1.3× one node (N=${cf?.cross?.n ?? cl?.params?.fanoutN ?? 1000})`, cf?.ratioP50 ?? null, 1.3, clNote ?? `${fmt(cf?.ratioP50, 2)}× (A→B ${ms(cf?.cross?.fanout?.p50)})`, {
		baseline: cf ? `one node ${ms(cf.single?.fanout?.p50)}` : undefined
	});
	const ce = cl?.editing;
	add('cluster-edit', '8', 'edit A→B across nodes p99 ≤ 2× one node', ce?.ratioP99 ?? null, 2, clNote ?? `${fmt(ce?.ratioP99, 2)}× (${ms(ce?.cross?.latency?.p99)})`, {
		baseline: ce ? `one node ${ms(ce.single?.latency?.p99)}` : undefined
	});
	for (const store of ['pglite', 'postgres']) {
		const s = get(r, `search.${store}`);
		add(`search-${store}`, '10', `search p95 ≤ 50 ms, every query, ${s?.sessions ?? 1000} closed sessions (${store === 'pglite' ? 'PGlite' : 'Postgres'})`, s?.worstSearchP95 ?? null, 50, s?.error ? `error: ${s.error.slice(0, 80)}` : s ? `worst query ${ms(s.worstSearchP95)} (all ${ms(s.search.p95)})` : '—', {
			baseline: s?.ilike ? `ILIKE scan p95 ${ms(s.ilike.p95)} (${fmt(s.ratioP95, 1)}× slower)` : undefined
		});
	}
	return t;
}

/** §6 churn: what the drift figure is, the curve it is fitted to, and where RSS went. */
function churnText(label, ch) {
	const MB = (kb) => fmt(kb / 1024);
	const lines = [
		`Churn (${label} store): ${ch.connected} members connected at a time out of ${ch.pool}, ${ch.perSecond} disconnects + ${ch.perSecond} reconnects per second asked (socket.io + session:join + Yjs; each batch waits for the last, so the achieved ${ch.achievedPerSecond}/s is what the server sustains) for ${ch.seconds} s after a ${ch.warmupS} s warm-up: ${ch.cycles} reconnects, session:join ack p99 ${ms(ch.joinAck.p99)}, errors ${JSON.stringify(ch.errors)}.`
	];
	if (!ch.samples) {
		lines.push('', `RSS ${MB(ch.start.vmRssKb)} → ${MB(ch.end.vmRssKb)} MB (**${fmt(ch.rssDriftPct)} %**), heap ${fmt(ch.start.heapUsed / 2 ** 20)} → ${fmt(ch.end.heapUsed / 2 ** 20)} MB (${fmt(ch.heapDriftPct)} %).`);
		return lines;
	}
	const run = ch.samples.filter((x) => x.t >= ch.start.t);
	const every = Math.max(1, Math.round(run.length / 8));
	const curve = run.filter((_, i) => i % every === 0 || i === run.length - 1).map((x) => `${fmt(x.t, 0)} s ${MB(x.vmRssKb)}`);
	const sl = ch.rssSlopeKbPerMin ?? {};
	const step = ch.rssLargestStep;
	const by = (x) => x.start.rssKbBy && x.end.rssKbBy;
	lines.push(
		'',
		`**RSS drift ${fmt(ch.rssDriftPct)} %** (heap ${fmt(ch.heapDriftPct)} %): the growth over the run of a least-squares line through its ${run.length} samples, in % of the line's start; the first and last samples give ${fmt(ch.rssTwoPointPct)} %. Samples every ${ch.sampleS} s with the churn paused (the batch in flight done), after gc and half a second for V8 to return the pages it freed (RSS read straight after gc, while the churn runs, swings by up to 30 MB from one read to the next). RSS over the run (MB): ${curve.join(', ')}. Plateau or leak: slope in the first half ${fmt(sl.firstHalf / 1024)} MB/min, in the second ${fmt(sl.secondHalf / 1024)} MB/min (${fmt(ch.rssSteadyPct)} % over the run at that rate); a leak keeps its slope, warm-up (V8's JIT and old-space pages, malloc arenas reaching their working size) flattens.` +
			(step && step.kb > 4096 ? ` Largest step between two samples: +${MB(step.kb)} MB at ${step.cycles} reconnects (malloc heap ${MB(step.brkHeapKb)} MB, other anonymous ${MB(step.anonOtherKb)} MB).` : '') +
			` Per reconnect over the run: ${fmt(ch.rssBytesPerReconnect, 0)} B RSS, ${fmt(ch.heapBytesPerReconnect, 0)} B heap.`
	);
	if (by(ch)) {
		const k = (key) => `${MB(ch.start.rssKbBy[key])} → ${MB(ch.end.rssKbBy[key])}`;
		const wasm = ch.wasm?.startKb ? `PGlite's WASM memory (it grows, never shrinks) ${k('wasm')} MB resident (${MB(ch.wasm.startKb)} → ${MB(ch.wasm.endKb)} MB allocated), ` : '';
		lines.push(
			'',
			`Where RSS is (/proc/self/smaps, start → end): ${wasm}malloc heap ${k('brkHeap')} MB, other anonymous memory (V8 heap ${fmt(ch.start.heapTotal / 2 ** 20)} → ${fmt(ch.end.heapTotal / 2 ** 20)} MB committed, mmap'd malloc) ${k('anonOther')} MB, files ${k('file')} MB.` +
				(ch.docStats ? ` Yjs awareness clients remembered: ${ch.docStats.start.awarenessClients ?? '—'} → ${ch.docStats.end.awarenessClients ?? '—'}.` : '')
		);
	}
	return lines;
}

function table(headers, rows) {
	const line = (cells) => `| ${cells.join(' | ')} |`;
	return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

const mark = (met) => (met === true ? '✅ met' : met === false ? '❌ not met' : '— n/a');

export function renderMarkdown(r) {
	const m = r.meta;
	const out = [];
	out.push(`# Yishi bench report (${m.mode})`);
	out.push('');
	out.push(
		`${m.date} · commit ${m.commit}${m.dirty ? ' + uncommitted src changes' : ''} · Node ${m.node} · ${m.cpus} × ${m.cpuModel ?? 'cpu'} · ${m.memGb} GB · load avg ${m.loadAvgAtStart.join(' / ')} → ${m.loadAvgAtEnd?.join(' / ')} · ${m.durationS} s` +
			(m.build?.built ? ` (build ${fmt(m.build.ms / 1000)} s)` : '') +
			(m.build?.buildFailed ? ' · **the build failed; the previous bench build was used**' : '')
	);
	out.push('');
	out.push(
		`Machine busy-ness: the fixed calibration workload took ${fmt(m.calibrationStartMs)} ms at the start and ${fmt(m.calibrationEndMs)} ms at the end (lower = more CPU for us); 1-min load average per scenario: ${Object.entries(m.loadByScenario ?? {})
			.map(([k, v]) => `${k} ${v.start}→${v.end}`)
			.join(', ')}. Shared machines are noisy: read the ratios to the same-run baselines first.`
	);
	out.push('');
	out.push('## Summary');
	out.push('');
	out.push(
		table(
			['§', 'target', 'measured', 'baseline (same run)', 'result'],
			r.targets.map((t) => [t.section, t.target, t.measured + (t.note ? ` (${t.note})` : ''), t.baseline ?? '', mark(t.met)])
		)
	);
	const met = r.targets.filter((t) => t.met === true).length;
	const missed = r.targets.filter((t) => t.met === false).length;
	out.push('');
	out.push(`${met} met, ${missed} not met, ${r.targets.length - met - missed} not measured.`);

	// 1
	const f = r.fanout;
	out.push('', '## 1. Tally fan-out (ballot → tally at the LAST of N)', '');
	if (f?.error) out.push(`Failed: ${f.error}`);
	else if (f) {
		out.push(
			'One ballot is cast at t0; fan-out = when the last of N receivers got a tally that counts it. Ours includes the commit, the tally query and the coalescer tick; the baselines relay the same-sized tally with no database. All three are received by the same raw clients in one process, so the client-side cost is equal.',
			''
		);
		out.push(
			table(
				['N', 'ours p50', 'ours p99', 'bare ws p50 / p99', 'bare socket.io p50 / p99', 'ours ÷ ws (p50 / p99)', 'ours ÷ sio (p50 / p99)', 'ours: ack p50 · ack→last p50'],
				f.levels.map((l) =>
					l.skipped
						? [l.n, '—', '—', '—', '—', '—', '—', l.skipped]
						: [
								l.n,
								ms(l.ours.fanout.p50),
								ms(l.ours.fanout.p99),
								`${ms(l.ws.fanout.p50)} / ${ms(l.ws.fanout.p99)}`,
								`${ms(l.sio.fanout.p50)} / ${ms(l.sio.fanout.p99)}`,
								`${fmt(l.ratioWsP50, 2)}× / ${fmt(l.ratioWsP99, 2)}×`,
								`${fmt(l.ratioSioP50, 2)}× / ${fmt(l.ratioSioP99, 2)}×`,
								`${ms(l.ours.ack.p50)} · ${ms(l.ours.ackToLast.p50)}`
							]
				)
			)
		);
		out.push('', 'Filling the room (participants joined by invite over HTTP, then socket.io + `session:join`):', '');
		out.push(
			table(
				['N', 'sockets joined in', 'session:join ack p50 / p99', 'presence frames · MB received by clients', 'server lag p99 / max'],
				f.setup.levels.map((l) => [
					l.n,
					`${fmt(l.connectMs / 1000)} s`,
					`${ms(l.joinAck.p50)} / ${ms(l.joinAck.p99)}`,
					`${l.presenceFrames} · ${l.presenceMB} MB`,
					`${ms(l.lag.p99)} / ${ms(l.lag.max)}`
				])
			)
		);
		if (f.setup.joins.length)
			out.push('', `HTTP joins: ${f.setup.joins.map((j) => `${j.count} at ${j.perSecond}/s (p99 ${ms(j.latency.p99)})`).join(', ')}.`);
		for (const n of f.notes ?? []) out.push('', `> ${n}`);
	}

	// 2
	const s = f?.storm;
	out.push('', '## 2. Vote storm', '');
	if (s) {
		out.push(
			`${s.n} ballots within ${fmt(s.windowMs / 1000, 0)} s (truncated exponential, mean ${fmt(s.tauMs / 1000)} s: most people vote at once), one per participant, each on its own socket; sent over ${fmt(s.sentMs / 1000)} s.`,
			''
		);
		out.push(
			table(
				['ack p50', 'ack p99', 'staleness p50', 'staleness p99', 'lost', 'errors', 'tally frames per socket', 'server event-loop lag p99 / max'],
				[[ms(s.ack.p50), ms(s.ack.p99), ms(s.staleness.p50), ms(s.staleness.p99), `${s.lost} (acked ${s.acked}, final tally ${s.finalHeadcount})`, JSON.stringify(s.errors), s.tallyFramesPerSocket, `${ms(s.lag.p99)} / ${ms(s.lag.max)}`]]
			)
		);
		out.push('', 'Staleness of a ballot = arrival on the voter\'s own socket of the first tally whose headcount reaches the ballot\'s rank in ack order, minus its ack (0 when the tally came first).');
	} else out.push('Not run.');

	// 3
	const j = r.app?.join;
	out.push('', '## 3. Join: invite link → synced proposal', '');
	if (j?.sizes) {
		out.push(
			table(
				['proposal', 'HTTP join', 'socket.io open', 'session:join', 'Yjs WS open', 'WS open → synced', 'total', 'cold: WS open → synced'],
				j.sizes.map((x) => [
					`${x.label} (${fmt(x.bytes / 1000, 0)} KB)`,
					ms(x.warm.http.p50),
					ms(x.warm.sioOpen.p50),
					ms(x.warm.sioJoin.p50),
					ms(x.warm.yjsOpen.p50),
					`${ms(x.warm.yjsSync.p50)} (p99 ${ms(x.warm.yjsSync.p99)})`,
					ms(x.warm.total.p50),
					ms(x.cold?.yjsSync)
				])
			)
		);
		out.push('', `Warm = the doc is in memory (someone is in the room), p50 of ${j.sizes[0]?.warm.http.n} joins; cold = first joiner after the doc was unloaded, one sample.`);
		if (Array.isArray(j.browser)) {
			out.push('', 'In Chromium (invite page → form → room → status "connected", i.e. room socket up and proposal synced; doc warm):', '');
			out.push(
				table(
					['proposal', 'invite page load', 'submit → room page', 'submit → editor shown', 'submit → connected'],
					j.browser.map((x) => [x.label, ms(x.invitePageMs), ms(x.submitToRoomMs), ms(x.submitToEditorMs), ms(x.submitToConnectedMs)])
				)
			);
		} else if (j.browser?.error) out.push('', `Chromium timing failed: ${j.browser.error}`);
	} else out.push(j?.error ? `Failed: ${j.error}` : 'Not run.');

	// 4
	const e = r.app?.editing;
	out.push('', '## 4. Editing: keystroke A → B through the server', '');
	if (e?.withCrowd) {
		out.push(
			table(
				['room', 'keystrokes', 'p50', 'p90', 'p99', 'max', 'server lag p99 / max'],
				[
					['A and B alone (baseline)', e.alone.latency.n, ms(e.alone.latency.p50), ms(e.alone.latency.p90), ms(e.alone.latency.p99), ms(e.alone.latency.max), `${ms(e.alone.lag.p99)} / ${ms(e.alone.lag.max)}`],
					[`+ ${e.passive} passive members`, e.withCrowd.latency.n, ms(e.withCrowd.latency.p50), ms(e.withCrowd.latency.p90), ms(e.withCrowd.latency.p99), ms(e.withCrowd.latency.max), `${ms(e.withCrowd.lag.p99)} / ${ms(e.withCrowd.lag.max)}`],
					...(e.bareRelay
						? [['bare y-websocket server (baseline)', e.bareRelay.latency.n, ms(e.bareRelay.latency.p50), ms(e.bareRelay.latency.p90), ms(e.bareRelay.latency.p99), ms(e.bareRelay.latency.max), '—']]
						: [])
				]
			)
		);
		out.push('', `${e.perSecond} keystrokes/s, each a Yjs update plus a cursor awareness update; persistence on. Ratio with/without the crowd: p50 ${fmt(e.ratioP50, 2)}×, p99 ${fmt(e.ratioP99, 2)}×.${e.bareRelay ? ` With the crowd ÷ the bare y-websocket server (same two editors, no auth, no persistence, no crowd): p50 ${fmt(e.bareRatioP50, 2)}×, p99 ${fmt(e.bareRatioP99, 2)}×.` : ''} Each passive member received ${e.framesPerKeystrokePerMember} frames per keystroke.`);
	} else out.push(e?.error ? `Failed: ${e.error}` : 'Not run.');

	// 5
	const y = r.app?.yjs;
	const a = r.acks;
	out.push('', '## 5. Persistence', '');
	if (y?.throughput) {
		const th = y.throughput;
		out.push(
			`Yjs updates, one editor typing as fast as the server relays (≤ ${th.window} in flight) for ${th.seconds} s: **${th.relayedPerSecond} updates/s relayed, ${th.persistedPerSecond ?? '—'} updates/s persisted** (${th.persisted}/${th.sent} stored, the last ${th.drainMs ?? '—'} ms after the last relay; ≈${th.compactionsApprox} compactions). Server lag p99 ${ms(th.lag.p99)}, max ${ms(th.lag.max)}.`
		);
		if (y.compaction) {
			const c = y.compaction;
			out.push(
				'',
				`Compaction of a ${fmt(c.docBytes / 1000, 0)} KB proposal under ${c.rate} updates/s: ${c.compactionsSeen} snapshot(s) written; A→B p50 ${ms(c.latency.p50)}, p99 ${ms(c.latency.p99)}, worst ${ms(c.worst.ms)} (update #${c.worst.index}) — a stall of ≈${ms(c.stallMs)}; server lag max ${ms(c.lag.max)}.`
			);
		}
	} else out.push(y?.error ? `Yjs: failed: ${y.error}` : 'Yjs: not run.');
	if (a) {
		out.push('', 'Ballot acks at a steady rate (one ballot per participant, open loop):', '');
		out.push(
			table(
				['store', 'ballots', 'rate', 'ack p50', 'ack p99', 'max', 'lost', 'errors', 'server lag p99 / max'],
				['pglite', 'postgres'].map((k) => {
					const x = a[k];
					if (!x || x.error) return [k, '—', '—', '—', '—', '—', '—', x?.error?.slice(0, 80) ?? 'not run', '—'];
					return [k, x.ballots, `${x.achievedRate}/s`, ms(x.ack.p50), ms(x.ack.p99), ms(x.ack.max), x.lost, JSON.stringify(x.errors), `${ms(x.lag.p99)} / ${ms(x.lag.max)}`];
				})
			)
		);
	}

	// 6
	out.push('', '## 6. Memory', '');
	for (const [label, mem] of [
		['PGlite', f?.memory],
		['Postgres', r.acks?.postgres?.memory]
	]) {
		if (!mem) continue;
		const how = mem.points
			? `slope of a least-squares fit over ${mem.points.length} points (${mem.points.map((p) => p.connected).join(', ')} connected; two-point figure ${fmt(mem.rssTwoPointKb)} KB RSS)`
			: 'before/after';
		out.push(
			`Idle participants, ${label} store (socket.io connected, in the room, N=${mem.n}): **${fmt(mem.rssPerParticipantKb)} KB RSS** and **${fmt(mem.heapPerParticipantKb)} KB heap** each, after gc — ${how}. Server RSS before the sockets: ${fmt(mem.before.vmRssKb / 1024, 0)} MB (peak so far ${fmt(mem.before.vmHwmKb / 1024, 0)} MB), after: ${fmt(mem.after.vmRssKb / 1024, 0)} MB.`,
			''
		);
	}
	const rooms = r.rooms;
	if (rooms && !rooms.error) {
		out.push(
			'',
			`Idle rooms: ${rooms.count} sessions, each with one member (socket.io, in the room) and its proposal open (one Yjs connection, empty proposal): **${fmt(rooms.heapPerRoomKb)} KB heap per room** (${fmt(rooms.rssPerRoomKb)} KB RSS)` +
				(rooms.docHeapPerRoomKb !== null && rooms.docHeapPerRoomKb !== undefined
					? `; of which the Yjs doc + its connection ${fmt(rooms.docHeapPerRoomKb)} KB and the socket.io room membership ${fmt(rooms.sioHeapPerRoomKb)} KB.`
					: '.')
		);
	} else if (rooms?.error) out.push('', `Rooms: failed: ${rooms.error}`);
	for (const [label, ch] of [
		['PGlite', r.churn],
		['Postgres', r.churnPostgres]
	]) {
		if (ch?.error) out.push('', `Churn (${label}): failed: ${ch.error}`);
		if (!ch || ch.error) continue;
		out.push('', ...churnText(label, ch));
	}

	// 7
	const pw = r.app?.pageWeight;
	const cs = r.coldStart;
	out.push('', '## 7. Page weight and cold start', '');
	if (pw && !pw.error) {
		out.push(
			table(
				['page', 'initial JS (gz)', 'all JS once idle (gz)', 'lazy part', 'files initial / all'],
				Object.entries(pw).map(([k, v]) =>
					v.initial
						? [k, `${fmt(v.initial.gzKb)} KB`, `${fmt(v.loaded.gzKb)} KB`, `${fmt(v.lazy.gzKb)} KB`, `${v.initial.files} / ${v.loaded.files}`]
						: [k, '—', '—', '—', v.missing ?? v.error ?? '']
				)
			)
		);
		out.push('', 'Initial = the static import closure of the entry and the page\'s route nodes (Vite manifest): what the first paint needs. All = every script Chromium fetched by network idle from an empty cache: for the room, everything before 编辑 (the editor comes only when it is tapped; the room\'s "with the editor" figure adds it).');
	} else if (pw?.error) out.push(`Page weight failed: ${pw.error}`);
	const mb = (x) => (x ? `${fmt(x.vmRssKb / 1024, 0)} MB` : '—');
	if (cs && !cs.error)
		out.push(
			'',
			`Cold start (spawn → \`/healthz\` 200): fresh PGlite directory (initdb + migrations) **${ms(cs.freshMs)}** (server RSS then ${mb(cs.freshMem)}, ${mb(cs.freshMemAfterGc)} after gc); restart on that directory **${ms(cs.restartMs)}** (RSS ${mb(cs.restartMem)})${cs.postgresMs ? `; Postgres **${ms(cs.postgresMs)}** (RSS ${mb(cs.postgresMem)})` : ''}.`
		);

	// 8
	const cl = r.cluster;
	const cf = cl?.fanout;
	const ce = cl?.editing;
	out.push('', '## 8. Cluster: two nodes (Redis) against one, in the same run', '');
	if (cl?.skipped) out.push(`Not measured: ${cl.skipped}.`);
	else if (cl?.error) out.push(`Failed: ${cl.error}`);
	else if (cl) {
		const row = (label, x) =>
			x.skipped
				? [label, x.n, '—', '—', '—', `${fmt((x.joinMs + x.connectMs) / 1000)} s`, x.skipped]
				: [label, x.receivers, ms(x.fanout.p50), ms(x.fanout.p99), ms(x.ack.p50), `${fmt((x.joinMs + x.connectMs) / 1000)} s`, Object.entries(x.mem).map(([k, m]) => `${k} ${fmt(m.vmRssKb / 1024, 0)} MB`).join(', ')];
		out.push(
			'A lone node on Postgres (`single`) and two nodes sharing another database and a private redis-server (`a`, `b`), all running at once on this machine; clients connect to a node directly. Fan-out = ballot cast at t0 → the tally counting it at the LAST receiver.',
			'',
			table(
				['case', 'receivers', 'fan-out p50', 'p99', 'ack p50', 'fill (join + connect)', 'node RSS after gc'],
				[
					row('fan-out, one node', cf.single),
					row('fan-out, cast on A → all receivers on B', cf.cross),
					row(`room of ${cl.params.room}, one node`, cl.room.single),
					row(`room of ${cl.params.room}, split over A and B (cast on A)`, cl.room.split)
				]
			),
			'',
			`Cross-node ÷ one node: fan-out p50 ${fmt(cf.ratioP50, 2)}×, p99 ${fmt(cf.ratioP99, 2)}×; room split ÷ one node: p50 ${fmt(cl.room.ratioP50, 2)}×, p99 ${fmt(cl.room.ratioP99, 2)}×, fill ${fmt(cl.room.fillRatio, 2)}×.`,
			'',
			table(
				['edit A → B', 'keystrokes', 'p50', 'p90', 'p99', 'max', 'lost'],
				[
					['both on one node', ce.single.latency.n, ms(ce.single.latency.p50), ms(ce.single.latency.p90), ms(ce.single.latency.p99), ms(ce.single.latency.max), ce.single.lost],
					['A on node a, B on node b', ce.cross.latency.n, ms(ce.cross.latency.p50), ms(ce.cross.latency.p90), ms(ce.cross.latency.p99), ms(ce.cross.latency.max), ce.cross.lost]
				]
			),
			'',
			`Edit across nodes ÷ one node: p50 ${fmt(ce.ratioP50, 2)}×, p99 ${fmt(ce.ratioP99, 2)}×. Three app processes, redis-server, Postgres and the load client share the machine's ${r.meta.cpus} cores: on a small machine the cross-node figures include that contention, not only the extra hop.`
		);
	} else out.push('Not run.');
	if (r.search) {
		out.push('', '## 10. Search over an archive', '');
		for (const store of ['pglite', 'postgres']) {
			const s = r.search[store];
			const label = store === 'pglite' ? 'PGlite' : 'Postgres';
			if (!s) continue;
			if (s.error) {
				out.push(`${label}: ${s.error}`, '');
				continue;
			}
			out.push(
				`**${label}**: ${s.sessions} closed sessions, ${s.documents} indexed texts (seeded in ${fmt(s.seedMs / 1000)} s); ${s.reps} runs of each query (${s.ilikeReps ?? s.reps} of the scan). Search = \`GET /api/v1/search\` end to end; ILIKE = the scan it replaced, SQL only, on the same store. All queries: search p50 ${ms(s.search.p50)}, **p95 ${ms(s.search.p95)}**; ILIKE p50 ${ms(s.ilike.p50)}, p95 ${ms(s.ilike.p95)} — **${fmt(s.ratioP95, 1)}×**.`,
				'',
				table(
					['query', 'case', 'results', 'search p50', 'search p95', 'ILIKE p50', 'ILIKE p95'],
					s.queries.map((x) => [`${x.q}${x.filter ? ` (${x.filter})` : ''}`, x.label, String(x.results), ms(x.search.p50), ms(x.searchP95), ms(x.ilike.p50), ms(x.ilikeP95)])
				),
				''
			);
			if (s.indexScans) out.push(`Index scans on search_documents during the run: ${s.indexScans.map((x) => `${x.index} ${x.scans}`).join(', ')}.`, '');
		}
	}

	// profiles
	const profiles = [];
	const collect = (label, p) => p && profiles.push([label, p]);
	for (const l of f?.levels ?? []) collect(`fan-out N=${l.n}`, l.ours?.profile);
	collect('storm', s?.profile);
	collect('acks pglite', a?.pglite?.profile);
	collect('acks postgres', a?.postgres?.profile);
	collect('editing with crowd', e?.withCrowd?.profile);
	if (profiles.length) {
		out.push('', '## Server CPU profiles (--profile)', '');
		for (const [label, p] of profiles) {
			out.push(`**${label}** (${p.totalMs} ms sampled) — top self time:`, '');
			out.push(table(['ms', 'function'], p.self.slice(0, 12).map((x) => [x.ms, `\`${x.fn}\``])));
			out.push('');
		}
	}
	return `${out.join('\n')}\n`;
}
