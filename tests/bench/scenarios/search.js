/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * (8) Search over an archive: `sessions` closed sessions (1 000 in the full run) with their
 * items, proposals, statements, comments and minutes, plus one public opinion per session, in
 * realistic neighbourhood Chinese (电梯, 停车, 垃圾分类, 物业费, 维修基金 … some words in most
 * texts, some in a handful). Then, one query at a time:
 *   search   GET /api/v1/search?q=… — the whole request (HTTP, service, index, snippets)
 *   ilike    the scan search replaced, `title ilike '%q%' or body ilike '%q%'` over the same
 *            rows, newest first, limit 50, run by the server's own store through the probe
 *            (only the SQL: no HTTP, no snippets), kept here as the baseline of the same run
 * for common words, rare words, two-character words, a word inside a sentence, and with the
 * community and kind filters. Ratio = ilike p95 ÷ search p95 (the search side carries the
 * HTTP round trip, so the ratio understates the index's gain).
 *
 * The archive is written straight into the store (the probe's `sql`), with the index rows built
 * by the app's own tokenizer (src/lib/server/domain/search-tokens.ts, bundled on the fly with
 * esbuild) — exactly what the services write in the transaction of each change, without
 * 30 000 HTTP round trips of seeding.
 */
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { admin, Api } from '../lib/http.js';
import { round, summarize, percentile } from '../lib/stats.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

async function loadTokenizer() {
	const out = await build({
		entryPoints: [path.join(ROOT, 'src/lib/server/domain/search-tokens.ts')],
		bundle: true,
		format: 'esm',
		platform: 'node',
		write: false,
		logLevel: 'silent'
	});
	const code = out.outputFiles[0].text;
	return import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
}

// ------------------------------------------------------------------------------------------
// a deterministic archive

function rng(seed) {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Topics by how often they come up: the first ones in most sessions, the last ones rarely. */
const TOPICS = [
	{ w: 30, title: '加装电梯', words: ['电梯', '加装电梯', '低层住户', '采光', '分摊比例', '电梯井'] },
	{ w: 25, title: '停车管理', words: ['停车', '车位', '停车费', '电动车', '充电桩', '消防通道'] },
	{ w: 20, title: '垃圾分类', words: ['垃圾分类', '厨余垃圾', '定时定点', '督导员', '垃圾房'] },
	{ w: 20, title: '物业费调整', words: ['物业费', '物业公司', '收费标准', '服务质量', '催缴'] },
	{ w: 15, title: '维修基金使用', words: ['维修基金', '外墙', '屋顶漏水', '防水层', '审计'] },
	{ w: 10, title: '绿化改造', words: ['绿化', '草坪', '修剪', '健身器材', '休闲座椅'] },
	{ w: 8, title: '楼道整治', words: ['楼道', '楼道灯', '堆物', '小广告', '门禁'] },
	{ w: 5, title: '快递柜设置', words: ['快递柜', '快递', '驿站', '取件'] },
	{ w: 2, title: '宠物管理', words: ['宠物', '遛狗', '牵绳', '犬只登记'] },
	{ w: 1, title: '无障碍设施', words: ['无障碍坡道', '扶手', '轮椅', '桂花树'] }
];
/** Said in a handful of sessions of the whole archive. */
const RARE = ['古井', '信鸽', '屋顶花园'];
const TOTAL_W = TOPICS.reduce((s, t) => s + t.w, 0);
const PLACES = ['一号楼', '二号楼', '三号楼', '五号楼', '七号楼', '东区', '西区', '南门', '北门', '地下车库'];
const PEOPLE = ['王阿姨', '李师傅', '张老师', '刘大爷', '陈女士', '赵先生', '业委会', '居委会'];
const OPENERS = ['我觉得', '大家都知道', '上次开会说过', '说实话', '我补充一点', '从我们楼的情况看'];
const VERBS = ['应该尽快解决', '需要大家一起商量', '要先征求意见', '最好分步实施', '不能再拖了', '费用要公开'];
const FILL = [
	'这件事关系到每一户',
	'老人和孩子出行不方便',
	'去年已经反映过好几次',
	'具体方案请物业拿出来',
	'资金来源要说清楚',
	'施工期间要注意安全',
	'希望下次会议给个结论',
	'可以先在一个单元试点'
];

function pickTopic(r) {
	let x = r() * TOTAL_W;
	for (const t of TOPICS) {
		x -= t.w;
		if (x < 0) return t;
	}
	return TOPICS[0];
}

const pick = (r, list) => list[Math.floor(r() * list.length)];

function sentence(r, topic) {
	const w = pick(r, topic.words);
	return `${pick(r, OPENERS)}，${pick(r, PLACES)}的${w}问题${pick(r, VERBS)}，${pick(r, FILL)}。`;
}

const paragraph = (r, topic, n) => Array.from({ length: n }, () => sentence(r, topic)).join('');

/** The index rows of one closed session (and one public opinion), as the services write them. */
function sessionTexts(r, i, communityId, closedAt) {
	const sid = `bench-s-${i}`;
	const url = `/archive/s/${sid}`;
	const main = pickTopic(r);
	const title = `${pick(r, PLACES)}${main.title}议事会（第${i + 1}次）`;
	const docs = [{ kind: 'session', refId: sid, title, body: '', url }];
	const itemCount = 3 + Math.floor(r() * 3);
	for (let k = 0; k < itemCount; k++) {
		const topic = k === 0 ? main : pickTopic(r);
		const iid = `${sid}-i${k}`;
		const itemTitle = `${topic.title}：${pick(r, PLACES)}`;
		const at = `${url}#item-${iid}`;
		docs.push({ kind: 'item', refId: iid, itemId: iid, title: itemTitle, body: paragraph(r, topic, 2), url: at });
		docs.push({ kind: 'proposal', refId: iid, itemId: iid, title: itemTitle, body: paragraph(r, topic, 8), url: at });
		for (let s = 0; s < 3; s++)
			docs.push({ kind: 'statement', refId: `${iid}-st${s}`, itemId: iid, title: itemTitle, body: `${pick(r, PEOPLE)}：${paragraph(r, topic, 2)}`, url });
		for (let c = 0; c < 2; c++)
			docs.push({ kind: 'comment', refId: `${iid}-c${c}`, itemId: iid, title: itemTitle, body: paragraph(r, topic, 1), url: at });
	}
	const aside = i % 50 === 7 ? `另外，${RARE[Math.floor(i / 50) % RARE.length]}的事下次再议。` : '';
	docs.push({ kind: 'minutes', refId: `${sid}-m`, title, body: `会议纪要：${paragraph(r, main, 6)}${aside}`, url });
	const rows = docs.map((d) => ({ ...d, sessionId: sid, public: false, at: closedAt }));
	const op = pickTopic(r);
	rows.push({
		kind: 'opinion',
		refId: `bench-o-${i}`,
		sessionId: null,
		itemId: null,
		public: true,
		title: `关于${op.title}的意见`,
		body: paragraph(r, op, 3),
		url: `/opinions/bench-o-${i}`,
		at: closedAt
	});
	return { session: { id: sid, title, closedAt }, rows: rows.map((x) => ({ ...x, communityId })) };
}

/** Titles of these kinds are context only (services/search-index.ts CONTEXT_TITLE). */
const CONTEXT_TITLE = new Set(['statement', 'minutes', 'comment', 'proposal']);

async function seed(ctx, server, n) {
	const { tsvectorLiteral } = await loadTokenizer();
	const sql = (text, params) => ctx.call('probe:main', 'sql', { text, params });
	const [community] = await sql('select id from communities order by created_at limit 1');
	const [user] = await sql('select id from users order by created_at limit 1');
	if (!community || !user) throw new Error('the bench server has no community or user');
	const r = rng(20_261_204);
	const t0 = performance.now();
	let docs = 0;
	const BATCH = 25;
	for (let from = 0; from < n; from += BATCH) {
		const sessions = [];
		const rows = [];
		for (let i = from; i < Math.min(n, from + BATCH); i++) {
			const closedAt = new Date(Date.UTC(2024, 0, 1) + i * 36 * 3600_000).toISOString();
			const s = sessionTexts(r, i, community.id, closedAt);
			sessions.push(s.session);
			rows.push(...s.rows);
		}
		const sp = [];
		const sv = sessions.map((s) => {
			sp.push(s.id, community.id, s.title, user.id, s.closedAt);
			const b = sp.length - 5;
			return `($${b + 1}, $${b + 2}, $${b + 3}, 'live', 'closed', $${b + 5}::timestamptz, $${b + 4}, $${b + 5}::timestamptz)`;
		});
		await sql(
			`insert into sessions (id, community_id, title, kind, status, closes_at, created_by, created_at) values ${sv.join(', ')}`,
			sp
		);
		const dp = [];
		const dv = rows.map((d) => {
			const { literal, tokens } = tsvectorLiteral(CONTEXT_TITLE.has(d.kind) ? '' : d.title, d.body);
			dp.push(`${d.kind}:${d.refId}`, d.kind, d.refId, d.communityId, d.sessionId, d.itemId ?? null, d.public, d.title, d.body, d.url, tokens, literal, d.at);
			const b = dp.length - 13;
			const p = (k) => `$${b + k}`;
			return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}::boolean, ${p(8)}, ${p(9)}, ${p(10)}, ${p(11)}, ${p(12)}::tsvector, ${p(13)}::timestamptz)`;
		});
		await sql(
			`insert into search_documents (id, kind, ref_id, community_id, session_id, item_id, public, title, body, url, tokens, tsv, at) values ${dv.join(', ')}`,
			dp
		);
		docs += rows.length;
	}
	await sql('analyze search_documents');
	await sql('analyze sessions');
	return { communityId: community.id, docs, seedMs: Math.round(performance.now() - t0) };
}

// ------------------------------------------------------------------------------------------
// queries

/** What people type, by the case it exercises. */
const QUERIES = [
	{ label: 'common', q: '电梯' },
	{ label: 'common', q: '停车' },
	{ label: 'common', q: '物业费' },
	{ label: 'common', q: '垃圾分类' },
	{ label: 'uncommon', q: '桂花树' },
	{ label: 'uncommon', q: '犬只登记' },
	{ label: 'rare', q: '古井' },
	{ label: 'rare', q: '屋顶花园' },
	{ label: 'two characters', q: '车位' },
	{ label: 'two characters', q: '外墙' },
	{ label: 'two characters', q: '快递' },
	// Inside a sentence: no text has 梯井 or 基金使 as a word of its own.
	{ label: 'inside a sentence', q: '梯井' },
	{ label: 'inside a sentence', q: '基金使' },
	{ label: 'two words', q: '电梯 费用' },
	{ label: 'filtered', q: '电梯', kind: 'proposal' },
	{ label: 'filtered', q: '停车', community: true }
];

const ILIKE = `select d.kind, d.title, d.body, d.url, d.session_id, d.item_id, d.at
	from search_documents d left join sessions s on s.id = d.session_id
	where (d.public or s.status = 'closed') and (d.title ilike $1 or d.body ilike $1)
	order by d.at desc limit 50`;

export async function run(ctx) {
	const { params, log } = ctx;
	const server = ctx.servers.main;
	const n = params.sessions ?? 1000;
	const reps = params.reps ?? 20;
	// The scan is slow by design: fewer runs of it keep the phase short.
	const ilikeReps = params.ilikeReps ?? reps;
	await admin(server); // the server is up and its first user and community exist
	const seeded = await seed(ctx, server, n);
	log(`seeded ${n} closed sessions, ${seeded.docs} texts in ${seeded.seedMs} ms`);

	const api = new Api(server);
	const sql = (text, p) => ctx.call('probe:main', 'sql', { text, params: p });
	const per = [];
	const all = { search: [], ilike: [] };
	for (const query of QUERIES) {
		const qs = new URLSearchParams({ q: query.q });
		if (query.kind) qs.set('kind', query.kind);
		if (query.community) qs.set('communityId', seeded.communityId);
		const url = `/api/v1/search?${qs}`;
		const first = await api.get(url);
		const results = first.results ?? [];
		// The figure means nothing if the search finds nothing or shows the wrong words.
		const word = query.q.split(' ')[0];
		if (results.length === 0) throw new Error(`search ${query.q}: no results`);
		if (!results.some((x) => x.snippet.includes(word)))
			throw new Error(`search ${query.q}: no snippet shows ${word}`);
		const search = [];
		for (let i = 0; i < reps; i++) {
			const t = performance.now();
			await api.get(url);
			search.push(performance.now() - t);
		}
		const pattern = `%${word}%`;
		const scanned = await sql(ILIKE, [pattern]);
		const ilike = [];
		for (let i = 0; i < ilikeReps; i++) {
			const t = performance.now();
			await sql(ILIKE, [pattern]);
			ilike.push(performance.now() - t);
		}
		all.search.push(...search);
		all.ilike.push(...ilike);
		const row = {
			label: query.label,
			q: query.q,
			filter: query.kind ? `kind=${query.kind}` : query.community ? 'communityId' : null,
			results: results.length,
			ilikeRows: scanned.length,
			search: summarize(search),
			ilike: summarize(ilike),
			searchP95: round(percentile(search, 95)),
			ilikeP95: round(percentile(ilike, 95))
		};
		per.push(row);
		log(`${query.q}${row.filter ? ` (${row.filter})` : ''}: search p95 ${row.searchP95.toFixed(1)} ms, ilike p95 ${row.ilikeP95.toFixed(1)} ms, ${results.length} results`);
	}
	const [count] = await sql('select count(*)::int as n from search_documents');
	// Whether the searches went through the GIN index (and not a walk down another index).
	const indexScans = await sql(
		`select indexrelname as index, idx_scan::int as scans from pg_stat_user_indexes
		where relname = 'search_documents' order by indexrelname`
	);
	const searchP95 = round(percentile(all.search, 95));
	const ilikeP95 = round(percentile(all.ilike, 95));
	return {
		store: server.store,
		sessions: n,
		documents: count.n,
		seedMs: seeded.seedMs,
		reps,
		ilikeReps,
		indexScans,
		queries: per,
		search: { ...summarize(all.search), p95: searchP95 },
		ilike: { ...summarize(all.ilike), p95: ilikeP95 },
		/** The worst query's p95: the target holds for every kind of query, not on average. */
		worstSearchP95: Math.max(...per.map((x) => x.searchP95)),
		ratioP95: ilikeP95 && searchP95 ? round(ilikeP95 / searchP95, 2) : null
	};
}
