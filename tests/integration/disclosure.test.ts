/** Disclosure (REFERENCE.md §4) on the real build: statements, minutes, closing, the transcript. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { TallyView, TranscriptView } from '../../src/lib/protocol';
import {
	ApiClient,
	createSessionWithInvites,
	emitAck,
	expectStatus,
	joinAs,
	socketClient,
	startServer,
	roundTrip,
	whenSynced,
	yjsProvider,
	type ServerHandle
} from './harness';

function verifyWithCli(transcript: unknown): { code: number; out: string } {
	const file = path.join(mkdtempSync(path.join(tmpdir(), 'yishi-t-')), 'transcript.json');
	writeFileSync(file, JSON.stringify(transcript));
	try {
		return {
			code: 0,
			out: execFileSync('node', ['src/cli/verify.js', file], { encoding: 'utf8' }).trim()
		};
	} catch (error) {
		return {
			code: (error as { status: number }).status,
			out: String((error as { stderr: string }).stderr)
		};
	}
}

describe('statements, minutes, closing and the transcript', () => {
	let server: ServerHandle;
	beforeAll(async () => {
		server = await startServer();
	});
	afterAll(() => server?.dispose());

	it('records the meeting in a verifiable chain and opens it to everyone once closed', async () => {
		const fx = await createSessionWithInvites(server, {
			roles: ['resident', 'observer'],
			title: '加装电梯协商会'
		});
		const sid = fx.session.id;
		const wang = await joinAs(server, fx.invites.resident!.token, '王阿姨');
		const observer = await joinAs(server, fx.invites.observer!.token, '列席代表');
		const anonymous = new ApiClient(server);

		expect(
			(await wang.post(`/api/v1/sessions/${sid}/statements`, { text: '低楼层住户也应分摊费用' }))
				.status
		).toBe(201);
		expect(
			(await observer.post(`/api/v1/sessions/${sid}/statements`, { text: '我想说话' })).status
		).toBe(403);
		expect((await wang.post(`/api/v1/sessions/${sid}/statements`, { text: '' })).status).toBe(400);
		expect((await wang.post(`/api/v1/sessions/${sid}/minutes`, { text: '越权记录' })).status).toBe(
			403
		);
		const minutes = await fx.moderator.post(`/api/v1/sessions/${sid}/minutes`, {
			text: '王阿姨：赞成按面积分摊',
			speaker: '王阿姨'
		});
		expect(minutes.status).toBe(201);
		expect((await anonymous.get(`/api/v1/sessions/${sid}/transcript`)).status).toBe(401);

		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意加装电梯',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const socket = await socketClient(server, wang);
		await emitAck(socket, 'session:join', { sessionId: sid });
		expect(await emitAck(socket, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
			ok: true
		});

		// An editor open when the session closes is reconnected read-only.
		const doc = new Y.Doc();
		const provider = yjsProvider(server, wang, fx.session.items[0]!.docName, doc);
		await whenSynced(provider);
		const dropped = new Promise<void>((r) => provider.once('connection-close', () => r()));

		const closed = expectStatus<{ status: string }>(
			await fx.moderator.post(`/api/v1/sessions/${sid}/close`, {}),
			200
		);
		expect(closed.status).toBe('closed');
		const tally = expectStatus<TallyView>(await anonymous.get(`/api/v1/votes/${vote.id}`), 200);
		expect(tally).toMatchObject({ status: 'closed', result: { passed: true } });
		expect((await anonymous.get(`/api/v1/sessions/${sid}`)).status).toBe(200);
		expect(
			(await wang.post(`/api/v1/sessions/${sid}/statements`, { text: '会后补充' })).status
		).toBe(409);
		expect((await fx.moderator.post(`/api/v1/sessions/${sid}/close`, {})).status).toBe(409);

		const transcript = expectStatus<TranscriptView>(
			await anonymous.get(`/api/v1/sessions/${sid}/transcript`),
			200
		);
		const types = transcript.entries.map((e) => e.type);
		expect(types[0]).toBe('session_created');
		for (const t of [
			'participant_joined',
			'statement',
			'minutes',
			'vote_created',
			'vote_opened',
			'vote_closed',
			'session_closed'
		]) {
			expect(types).toContain(t);
		}
		expect(types.at(-1)).toBe('session_closed');
		expect(transcript.entries.map((e) => e.seq)).toEqual(transcript.entries.map((_, i) => i + 1));
		const statement = transcript.entries.find((e) => e.type === 'statement')!;
		expect(statement.actor).toMatchObject({ name: '王阿姨', role: 'resident' });
		const closedVote = transcript.entries.find((e) => e.type === 'vote_closed')!;
		expect(closedVote.data).toMatchObject({ ballots: [{ name: '王阿姨', choice: ['yes'] }] });
		expect(verifyWithCli(transcript)).toEqual({ code: 0, out: transcript.head });

		// A live reader's tail: only the entries past `after`, chained onto what it holds, and the
		// head of the whole chain; a tail past the head is empty; a bad `after` is a clear 400.
		const cut = 3;
		const tail = expectStatus<TranscriptView>(
			await anonymous.get(`/api/v1/sessions/${sid}/transcript?after=${cut}`),
			200
		);
		expect(tail.after).toBe(cut);
		expect(tail.entries).toEqual(transcript.entries.slice(cut));
		expect(tail.entries[0]!.prevHash).toBe(transcript.entries[cut - 1]!.hash);
		expect(tail.head).toBe(transcript.head);
		const past = expectStatus<TranscriptView>(
			await anonymous.get(`/api/v1/sessions/${sid}/transcript?after=${transcript.entries.length}`),
			200
		);
		expect(past).toMatchObject({ entries: [], head: transcript.head });
		for (const bad of ['-1', 'abc', '1.5', '99999999999999999999']) {
			const answer = await anonymous.get(`/api/v1/sessions/${sid}/transcript?after=${bad}`);
			expect(answer.status).toBe(400);
			expect(answer.body).toMatchObject({ error: { code: 'invalid_payload' } });
		}

		// After the close the document is read-only for everyone: the open editor was dropped and
		// came back read-only; what it writes now is answered but never applied.
		await dropped;
		await whenSynced(provider);
		const paragraph = new Y.XmlElement('paragraph');
		paragraph.insert(0, [new Y.XmlText('闭会后偷改')]);
		doc.getXmlFragment('prosemirror').insert(0, [paragraph]);
		await roundTrip(provider);
		const fresh = new Y.Doc();
		const reader = yjsProvider(server, anonymous.clone(), fx.session.items[0]!.docName, fresh, {
			cookie: fx.moderator.cookieHeader()
		});
		await whenSynced(reader);
		expect(fresh.getXmlFragment('prosemirror').toString()).not.toContain('闭会后偷改');
		provider.destroy();
		reader.destroy();
		socket.disconnect();
	});

	it('keeps secret ballots unlinkable in the transcript', async () => {
		const fx = await createSessionWithInvites(server);
		const voter = await joinAs(server, fx.invites.resident!.token, '匿名投票人');
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '无记名表决',
				kind: 'yes_no_abstain',
				secret: true,
				tally: 'hidden',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`, {}), 200);
		const socket = await socketClient(server, voter);
		await emitAck(socket, 'session:join', { sessionId: fx.session.id });
		expect(await emitAck(socket, 'ballot:cast', { voteId: vote.id, choice: 'no' })).toMatchObject({
			ok: true
		});
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`, {}), 200);
		const transcript = expectStatus<TranscriptView>(
			await new ApiClient(server).get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		const text = JSON.stringify(transcript.entries.filter((e) => e.type.startsWith('vote_')));
		expect(text).not.toContain(voter.participant.id);
		expect(text).not.toContain('匿名投票人');
		socket.disconnect();
	});
	it('mutes and removes participants, and records it', async () => {
		const fx = await createSessionWithInvites(server);
		const sid = fx.session.id;
		const loud = await joinAs(server, fx.invites.resident!.token, '吵闹的人');
		const base = `/api/v1/sessions/${sid}/participants/${loud.participant.id}`;
		expect((await loud.post(`${base}/mute`, { muted: true })).status).toBe(403);
		expectStatus(await fx.moderator.post(`${base}/mute`, { muted: true }), 200);
		expect(
			(await loud.post(`/api/v1/sessions/${sid}/statements`, { text: '我还要说' })).status
		).toBe(403);
		const socket = await socketClient(server, loud);
		const joined = await emitAck(socket, 'session:join', { sessionId: sid });
		expect(joined.ok && joined.state.me.canWrite).toBe(false);
		expect(await emitAck(socket, 'hand:raise', {})).toMatchObject({
			ok: false,
			error: { code: 'forbidden' }
		});
		socket.disconnect();
		expectStatus(await fx.moderator.post(`${base}/mute`, { muted: false }), 200);
		expect(
			(await loud.post(`/api/v1/sessions/${sid}/statements`, { text: '谢谢主持人' })).status
		).toBe(201);
		expect((await fx.moderator.del(base)).status).toBe(204);
		expect((await loud.get(`/api/v1/sessions/${sid}`)).status).toBe(403);
		const again = await socketClient(server, loud);
		expect(await emitAck(again, 'session:join', { sessionId: sid })).toMatchObject({
			ok: false,
			error: { code: 'forbidden' }
		});
		again.disconnect();
		const transcript = expectStatus<TranscriptView>(
			await fx.moderator.get(`/api/v1/sessions/${sid}/transcript`),
			200
		);
		expect(transcript.entries.map((e) => e.type)).toEqual(
			expect.arrayContaining(['participant_muted', 'participant_unmuted', 'participant_removed'])
		);
	});
});
