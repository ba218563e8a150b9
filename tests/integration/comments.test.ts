/**
 * Comments anchored to the proposal (REFERENCE.md §6) on the real build: a y-websocket client
 * writes the proposal the way y-prosemirror does, a comment anchors to a passage, other
 * people edit around and inside it, and the listed quote follows the passage.
 */
import { PGlite } from '@electric-sql/pglite';
import { getSchema } from '@tiptap/core';
import StarterKit from '@tiptap/starter-kit';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { absolutePositionToRelativePosition, initProseMirrorDoc } from 'y-prosemirror';
import * as Y from 'yjs';
import { anchorJson } from '../../src/lib/anchors';
import type { CommentView, TranscriptView } from '../../src/lib/protocol';
import {
	ApiClient,
	availableStores,
	createSessionWithInvites,
	emitAck,
	eventually,
	expectStatus,
	joinAs,
	nextEvent,
	socketClient,
	startServer,
	whenSynced,
	yjsProvider,
	type ServerHandle
} from './harness';

const schema = getSchema([StarterKit]);

function para(text: string): Y.XmlElement {
	const el = new Y.XmlElement('paragraph');
	el.insert(0, [new Y.XmlText(text)]);
	return el;
}

const textAt = (doc: Y.Doc, i: number) =>
	(doc.getXmlFragment('prosemirror').get(i) as Y.XmlElement).get(0) as Y.XmlText;

/** An anchor over `passage`, made as the browser makes it (y-prosemirror positions). */
function anchorOver(doc: Y.Doc, passage: string) {
	const fragment = doc.getXmlFragment('prosemirror');
	const { doc: pm, mapping } = initProseMirrorDoc(fragment, schema);
	let from = -1;
	pm.descendants((node, pos) => {
		if (from < 0 && node.isText && node.text!.includes(passage))
			from = pos + node.text!.indexOf(passage);
	});
	if (from < 0) throw new Error(`"${passage}" is not in the document`);
	return anchorJson(
		doc,
		absolutePositionToRelativePosition(from, fragment, mapping),
		absolutePositionToRelativePosition(from + passage.length, fragment, mapping)
	);
}

interface NoticeRow {
	kind: string;
	participant_id: string | null;
	text: string;
}

/** The notifications table, read directly once the server stopped (no feed API on this branch). */
async function noticesOf(server: ServerHandle): Promise<NoticeRow[]> {
	const query = 'select kind, participant_id, text from notifications order by id';
	if (server.store === 'postgres') {
		const sql = postgres(server.databaseUrl!, { max: 1 });
		try {
			return (await sql.unsafe(query)) as unknown as NoticeRow[];
		} finally {
			await sql.end();
		}
	}
	const db = await PGlite.create(server.dataDir);
	try {
		return (await db.query<NoticeRow>(query)).rows;
	} finally {
		await db.close();
	}
}

describe.each(availableStores())('comments on the proposal (%s)', (store) => {
	let server: ServerHandle;
	beforeAll(async () => {
		server = await startServer({ store });
	});
	afterAll(async () => {
		await server?.dispose();
	});

	it('anchors threads to a passage that follows the text, and records everything', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['resident', 'owner', 'observer'],
			asModerator: true,
			items: [{ title: '停车位改造' }]
		});
		const sid = fx.session.id;
		const item = fx.session.items[0]! as { id: string; docName: string };
		const base = `/api/v1/items/${item.id}/comments`;
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const li = await joinAs(server, fx.invites.owner!.token, '李师傅');
		const observer = await joinAs(server, fx.invites.observer!.token, '列席代表');
		const anonymous = new ApiClient(server);

		// 王阿姨 writes the proposal; 李师傅 has it open too.
		const docA = new Y.Doc();
		const providerA = yjsProvider(server, wang, item.docName, docA);
		await whenSynced(providerA);
		docA
			.getXmlFragment('prosemirror')
			.insert(0, [
				para('第一条：小区停车位重新划线。'),
				para('第二条：每户限一个车位，外来车辆收费。')
			]);
		const docB = new Y.Doc();
		const providerB = yjsProvider(server, li, item.docName, docB);
		await whenSynced(providerB);
		await eventually(() => docB.getXmlFragment('prosemirror').length === 2, 10_000, 'B has it');

		const socket = await socketClient(server, li);
		await emitAck(socket, 'session:join', { sessionId: sid });
		const changed = nextEvent(socket, 'comments:changed');

		// A comment on "每户限一个车位".
		const anchor = anchorOver(docA, '每户限一个车位');
		const first = expectStatus<{ id: string }>(
			await wang.post(base, { text: '  老人家里有两辆车怎么办？ ', stance: 'concern', anchor }),
			201,
			'comment'
		);
		expect(await changed).toEqual({ itemId: item.id });
		let list = expectStatus<CommentView[]>(await li.get(base), 200);
		expect(list).toEqual([
			{
				id: first.id,
				text: '老人家里有两辆车怎么办？',
				stance: 'concern',
				author: { name: '王阿姨', role: 'resident' },
				anchor: expect.objectContaining({ start: expect.any(Object), end: expect.any(Object) }),
				quote: '每户限一个车位',
				resolved: false,
				at: expect.any(String)
			}
		]);

		// 李师傅 edits before the passage, inside it, right after it and in a new paragraph.
		docB.getXmlFragment('prosemirror').insert(0, [para('前言：征求意见稿。')]);
		const t = textAt(docB, 2);
		t.insert(t.toString().indexOf('每户'), '原则上');
		t.insert(t.toString().indexOf('一个'), '最多');
		t.insert(t.toString().indexOf('车位，') + 2, '（含地下）');
		await eventually(
			async () => {
				const now = expectStatus<CommentView[]>(await wang.get(base), 200);
				return now[0]?.quote === '每户限最多一个车位';
			},
			10_000,
			'quote follows the passage'
		);
		expect(textAt(docA, 2).toString()).toContain('原则上每户限最多一个车位（含地下）');

		// Replies; a reply to a reply joins the thread's root.
		const reply = expectStatus<{ id: string }>(
			await li.post(base, { text: '可以申请临时车位。', stance: 'support', replyTo: first.id }),
			201
		);
		const nested = expectStatus<{ id: string }>(
			await wang.post(base, { text: '谢谢，我去问问。', stance: 'question', replyTo: reply.id }),
			201
		);
		// 李师傅 comments on an overlapping passage: 王阿姨 hears of it.
		const overlap = expectStatus<{ id: string }>(
			await li.post(base, {
				text: '外来车辆收费标准要公示。',
				stance: 'oppose',
				anchor: anchorOver(docB, '车位（含地下），外来车辆收费')
			}),
			201
		);
		list = expectStatus<CommentView[]>(await observer.get(base), 200);
		expect(list.map((c) => c.id)).toEqual([first.id, reply.id, nested.id, overlap.id]);
		expect(list[1]).toMatchObject({ replyTo: first.id, author: { name: '李师傅', role: 'owner' } });
		expect(list[1]).not.toHaveProperty('anchor');
		expect(list[2]).toMatchObject({ replyTo: first.id });
		expect(list[3]).toMatchObject({ quote: '车位（含地下），外来车辆收费' });

		// Who may comment, and bad input.
		expect((await observer.post(base, { text: '我也想说', stance: 'support' })).status).toBe(403);
		expect((await anonymous.post(base, { text: '路人', stance: 'support' })).status).toBe(401);
		expect((await anonymous.get(base)).status).toBe(401);
		const bad = async (body: unknown, code: string) => {
			const res = await wang.post<{ error: { code: string } }>(base, body);
			expect(res.status, JSON.stringify(body)).toBe(400);
			expect(res.body.error.code, JSON.stringify(body)).toBe(code);
		};
		await bad({ text: '   ', stance: 'support' }, 'invalid_payload');
		await bad({ text: '长'.repeat(2001), stance: 'support' }, 'invalid_payload');
		await bad({ text: '好', stance: 'maybe' }, 'invalid_payload');
		await bad({ text: '好', stance: 'support', replyTo: 'nope' }, 'invalid_reply');
		await bad(
			{ text: '好', stance: 'support', anchor: { start: anchor.end, end: anchor.start } },
			'invalid_anchor'
		);
		await bad(
			{ text: '好', stance: 'support', anchor: { start: anchor.start, end: anchor.start } },
			'invalid_anchor'
		);
		await bad(
			{
				text: '好',
				stance: 'support',
				anchor: { start: { item: { client: 7, clock: 999999 } }, end: anchor.end }
			},
			'invalid_anchor'
		);
		await bad(
			{ text: '好', stance: 'support', anchor: { start: { tname: 'other' }, end: anchor.end } },
			'invalid_anchor'
		);
		await bad({ text: '好', stance: 'support', replyTo: first.id, anchor }, 'invalid_anchor');

		// Resolving: not someone who only replied; the author, idempotently; the moderator reopens.
		const resolveUrl = `/api/v1/comments/${first.id}/resolve`;
		expect((await li.post(resolveUrl, {})).status).toBe(403);
		expect((await anonymous.post(resolveUrl, {})).status).toBe(401);
		const resolvedEvent = nextEvent(socket, 'comments:changed');
		expect(expectStatus(await wang.post(`/api/v1/comments/${nested.id}/resolve`, {}), 200)).toEqual(
			{
				id: first.id,
				resolved: true
			}
		);
		await resolvedEvent;
		expectStatus(await wang.post(resolveUrl, {}), 200);
		expectStatus(await fx.moderator.post(resolveUrl, { resolved: false }), 200);
		expect(expectStatus<CommentView[]>(await li.get(base), 200)[0]!.resolved).toBe(false);
		expectStatus(await fx.moderator.post(resolveUrl, {}), 200);
		expect(expectStatus<CommentView[]>(await li.get(base), 200)[0]!.resolved).toBe(true);

		// Muted people listen only.
		const mute = `/api/v1/sessions/${sid}/participants/${li.participant.id}/mute`;
		expectStatus(await fx.moderator.post(mute, { muted: true }), 200);
		expect((await li.post(base, { text: '我还要说', stance: 'oppose' })).status).toBe(403);
		expectStatus(await fx.moderator.post(mute, { muted: false }), 200);

		// The whole passage deleted: the quote is empty.
		const target = textAt(docA, 2);
		const at = target.toString().indexOf('每户限最多一个车位');
		target.delete(at, '每户限最多一个车位'.length);
		await eventually(
			async () => expectStatus<CommentView[]>(await li.get(base), 200)[0]?.quote === '',
			10_000,
			'deleted passage'
		);

		// The transcript tells it all.
		const transcript = expectStatus<TranscriptView>(
			await fx.moderator.get(`/api/v1/sessions/${sid}/transcript`),
			200
		);
		const added = transcript.entries.filter((e) => e.type === 'comment_added');
		expect(added).toHaveLength(4);
		expect(added[0]).toMatchObject({
			actor: { name: '王阿姨', role: 'resident' },
			data: {
				commentId: first.id,
				itemId: item.id,
				stance: 'concern',
				text: '老人家里有两辆车怎么办？',
				quote: '每户限一个车位',
				anchor
			}
		});
		expect(added[1]!.data).toMatchObject({ commentId: reply.id, replyTo: first.id, quote: '' });
		const types = transcript.entries.map((e) => e.type);
		expect(types.filter((x) => x === 'comment_resolved')).toHaveLength(2);
		expect(types).toContain('comment_reopened');
		expect(transcript.entries.find((e) => e.type === 'comment_resolved')!.data).toEqual({
			commentId: first.id,
			itemId: item.id
		});

		// The moderator's daily digest for the WeChat group counts the day's comments per item.
		const digest = await fx.moderator.get(`/api/v1/sessions/${sid}/digest`);
		expect(digest.status).toBe(200);
		expect(digest.text).toContain('「停车位改造」新增评论 4 条');

		// Closed: the archive is public, and nothing more can be said.
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${sid}/close`, {}), 200);
		const archived = expectStatus<CommentView[]>(await anonymous.get(base), 200);
		expect(archived).toHaveLength(4);
		// Its first characters went with the deleted passage; the rest is still quoted.
		expect(archived[3]!.quote).toBe('（含地下），外来车辆收费');
		expect((await wang.post(base, { text: '会后补充', stance: 'support' })).status).toBe(409);
		// The archive page shows the threads read-only, and the timeline names them.
		const page = await anonymous.get(`/archive/s/${sid}`);
		expect(page.status).toBe(200);
		expect(page.text).toContain('老人家里有两辆车怎么办？');
		expect(page.text).toContain('可以申请临时车位。');
		expect(page.text).toContain('王阿姨（居民）发表评论：担忧');
		expect(page.text).toContain('李师傅（业主）回复评论：支持');
		expect(page.text).not.toContain('标记已解决');

		providerA.destroy();
		providerB.destroy();
		socket.disconnect();

		// Notifications, read from the store after the server stopped.
		await server.stop();
		const notices = await noticesOf(server);
		expect(notices).toEqual(
			expect.arrayContaining([
				expect.objectContaining({ kind: 'comment_reply', participant_id: wang.participant.id }),
				expect.objectContaining({ kind: 'comment_reply', participant_id: li.participant.id }),
				expect.objectContaining({ kind: 'comment_on_passage', participant_id: wang.participant.id })
			])
		);
		const replyNotice = notices.find(
			(n) => n.kind === 'comment_reply' && n.participant_id === wang.participant.id
		)!;
		expect(replyNotice.text).toContain('李师傅回复了你');
		// Nobody hears about their own reply.
		expect(
			notices.filter((n) => n.kind === 'comment_reply' && n.participant_id === wang.participant.id)
		).toHaveLength(1);
	});
});
