/**
 * The raise-hands cycle (REFERENCE.md §6) on the real build: community links, opinions with the
 * 4-hour answer (一日三巡), hands, projects with their cloud session, milestones, the public
 * notice and ratings, photos. Time moves with YISHI_TEST_CLOCK instead of sleeping.
 */
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	adminClient,
	ApiClient,
	availableStores,
	expectStatus,
	socketClient,
	emitAck,
	type ClientSocket,
	tokenOf,
	followEvents,
	userClient,
	type ServerHandle
} from './harness';
import { startServer } from './harness';

const COMMUNITY = 'default-community';
const HOUR = 3600;

interface OpinionRow {
	id: string;
	title: string;
	text: string;
	hands: number;
	deadline: string;
	respondedAt?: string;
	overdue: boolean;
	projectId?: string;
}

/** Rows of the store behind the server: Postgres live; PGlite only while the server is down. */
async function query<T>(server: ServerHandle, text: string): Promise<T[]> {
	if (server.store === 'postgres') {
		const sql = postgres(server.databaseUrl!, { max: 1, onnotice: () => {} });
		try {
			return (await sql.unsafe(text)) as unknown as T[];
		} finally {
			await sql.end({ timeout: 5 });
		}
	}
	const db = await PGlite.create(server.dataDir);
	try {
		return (await db.query<T>(text)).rows;
	} finally {
		await db.close();
	}
}

function png(size = 64): Uint8Array<ArrayBuffer> {
	const bytes = new Uint8Array(size);
	bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
	return bytes;
}

async function upload(client: ApiClient, body: Uint8Array<ArrayBuffer>, type = 'image/png') {
	const res = await fetch(client.server.url(`/api/v1/communities/${COMMUNITY}/photos`), {
		method: 'POST',
		headers: { origin: client.server.origin, cookie: client.cookieHeader(), 'content-type': type },
		body
	});
	return {
		status: res.status,
		body: (await res.json()) as { id?: string; error?: { code: string } }
	};
}

async function joinCommunity(server: ServerHandle, token: string, name: string) {
	const client = new ApiClient(server);
	const joined = expectStatus(
		await client.post<{
			participant: { id: string; name: string; role: string };
			communityId: string;
		}>(`/api/v1/join/${token}`, { name }),
		200,
		`join community as ${name}`
	);
	return Object.assign(client, joined);
}

/**
 * Follows the `board:changed` events one socket receives (every payload kept) and waits, after
 * the next event, until the board as `client` fetches it satisfies `check`: what a page does.
 */
function watchBoard(socket: ClientSocket) {
	const payloads: unknown[] = [];
	let wake: (() => void) | null = null;
	socket.on('board:changed', (payload) => {
		payloads.push(payload);
		wake?.();
	});
	const nextAfter = (seen: number, timeoutMs: number) =>
		new Promise<void>((resolve, reject) => {
			if (payloads.length > seen) return resolve();
			const timer = setTimeout(() => reject(new Error('no board:changed in time')), timeoutMs);
			wake = () => {
				clearTimeout(timer);
				wake = null;
				resolve();
			};
		});
	return {
		payloads,
		/** Call BEFORE the change; await the answer after it. */
		until(client: ApiClient, check: (rows: OpinionRow[]) => boolean, timeoutMs = 10_000) {
			let seen = payloads.length;
			const deadline = Date.now() + timeoutMs;
			return (async () => {
				for (;;) {
					await nextAfter(seen, Math.max(1, deadline - Date.now()));
					seen = payloads.length;
					const rows = expectStatus(
						await client.get<OpinionRow[]>(`/api/v1/communities/${COMMUNITY}/opinions`),
						200
					);
					if (check(rows)) return rows;
				}
			})();
		}
	};
}

describe.each(availableStores())('raise-hands cycle (%s)', (store) => {
	let server: ServerHandle;
	beforeAll(async () => {
		server = await startServer({ store, env: { YISHI_TEST_CLOCK: '1' } });
	});
	afterAll(async () => {
		await server?.dispose();
	});

	const advance = async (admin: ApiClient, seconds: number) =>
		expectStatus(await admin.post('/api/v1/test/clock', { advanceSeconds: seconds }), 200, 'clock');

	it('goes from a community link to a rated project', async () => {
		const admin = await adminClient(server);
		const moderator = await userClient(server, admin, 'moderator');

		// --- Community link ---------------------------------------------------------------
		expectStatus(
			await new ApiClient(server).post(`/api/v1/communities/${COMMUNITY}/invites`, {
				role: 'resident'
			}),
			401
		);
		const link = expectStatus(
			await moderator.post<{ id: string; url: string; role: string }>(
				`/api/v1/communities/${COMMUNITY}/invites`,
				{ role: 'resident' }
			),
			201,
			'community link'
		);
		expect(link.url).toBe(`${server.origin}/join/${tokenOf(link.url)}`);
		const token = tokenOf(link.url);
		const listed = expectStatus(
			await moderator.get<{ id: string }[]>(`/api/v1/communities/${COMMUNITY}/invites`),
			200
		);
		expect(listed.map((l) => l.id)).toContain(link.id);
		const qr = await moderator.get(`/qr/${link.id}.svg`);
		expect(qr.status).toBe(200);
		expect(qr.headers.get('content-type')).toContain('image/svg+xml');

		const alice = await joinCommunity(server, token, '3号楼王阿姨');
		expect(alice.communityId).toBe(COMMUNITY);
		expect(alice.participant).toMatchObject({ name: '3号楼王阿姨', role: 'resident' });
		const again = expectStatus(
			await alice.post<{ participant: { id: string } }>(`/api/v1/join/${token}`, { name: '别名' }),
			200
		);
		expect(again.participant.id).toBe(alice.participant.id);

		// A limited link is used up after its uses; revoked links stop working.
		const once = expectStatus(
			await moderator.post<{ id: string; url: string }>(
				`/api/v1/communities/${COMMUNITY}/invites`,
				{
					role: 'owner',
					maxUses: 1
				}
			),
			201
		);
		await joinCommunity(server, tokenOf(once.url), '一次性');
		const usedUp = await new ApiClient(server).post(`/api/v1/join/${tokenOf(once.url)}`, {
			name: 'x'
		});
		expect(usedUp.status).toBe(410);
		expect(usedUp.text).toContain('invite_used_up');
		expectStatus(await moderator.del(`/api/v1/invites/${once.id}`), 204);

		// --- Opinion ------------------------------------------------------------------------
		expectStatus(
			await new ApiClient(server).post(`/api/v1/communities/${COMMUNITY}/opinions`, {
				title: 'x',
				text: 'y'
			}),
			401
		);
		const bad = await alice.post(`/api/v1/communities/${COMMUNITY}/opinions`, { title: '' });
		expect(bad.status).toBe(400);
		expect(bad.text).toContain('invalid_payload');

		const clockBefore = expectStatus(await admin.get<{ now: string }>('/api/v1/test/clock'), 200);
		const posted = expectStatus(
			await alice.post<{ id: string; deadline: string }>(
				`/api/v1/communities/${COMMUNITY}/opinions`,
				{ title: '想在小区里设自助洗车点', text: '楼下空地可以利用，方便大家洗车。' }
			),
			201,
			'post opinion'
		);
		const clockAfter = expectStatus(await admin.get<{ now: string }>('/api/v1/test/clock'), 200);
		const due = Date.parse(posted.deadline);
		expect(due).toBeGreaterThanOrEqual(Date.parse(clockBefore.now) + 4 * HOUR * 1000);
		expect(due).toBeLessThanOrEqual(Date.parse(clockAfter.now) + 4 * HOUR * 1000);

		const board = async () =>
			expectStatus(
				await new ApiClient(server).get<OpinionRow[]>(`/api/v1/communities/${COMMUNITY}/opinions`),
				200
			);
		let rows = await board();
		expect(rows[0]).toMatchObject({
			id: posted.id,
			title: '想在小区里设自助洗车点',
			text: '楼下空地可以利用，方便大家洗车。',
			hands: 0,
			deadline: posted.deadline,
			overdue: false
		});
		expect(rows[0]!.respondedAt).toBeUndefined();
		expect(rows[0]!.projectId).toBeUndefined();

		// --- Hands: one per member, idempotent ----------------------------------------------
		const hand = (c: ApiClient, method: 'post' | 'del') =>
			method === 'post'
				? c.post<{ hands: number }>(`/api/v1/opinions/${posted.id}/hands`)
				: c.del<{ hands: number }>(`/api/v1/opinions/${posted.id}/hands`);
		expect(expectStatus(await hand(alice, 'post'), 200)).toEqual({ hands: 1 });
		expect(expectStatus(await hand(alice, 'post'), 200)).toEqual({ hands: 1 });
		expect(expectStatus(await hand(alice, 'del'), 200)).toEqual({ hands: 0 });
		expect(expectStatus(await hand(alice, 'del'), 200)).toEqual({ hands: 0 });
		expect((await hand(new ApiClient(server), 'post')).status).toBe(401);
		expect((await hand(moderator, 'post')).status).toBe(403);

		// --- Overdue after 4 hours, staff told once -----------------------------------------
		await advance(admin, 4 * HOUR + 60);
		rows = await board();
		expect(rows[0]!.overdue).toBe(true);
		await advance(admin, 60);
		// The response clears it.
		expect(
			(await alice.post(`/api/v1/opinions/${posted.id}/responses`, { text: 'x' })).status
		).toBe(403);
		expectStatus(
			await moderator.post(`/api/v1/opinions/${posted.id}/responses`, {
				text: '已收到，居委会下周实地查看选址。'
			}),
			201,
			'respond'
		);
		rows = await board();
		expect(rows[0]!.overdue).toBe(false);
		expect(rows[0]!.respondedAt).toBeTruthy();
		const firstResponse = rows[0]!.respondedAt;
		expectStatus(
			await moderator.post(`/api/v1/opinions/${posted.id}/responses`, { text: '补充：周三下午。' }),
			201
		);
		expect((await board())[0]!.respondedAt).toBe(firstResponse);

		// --- Project: threshold 10 by default -----------------------------------------------
		const neighbours: Awaited<ReturnType<typeof joinCommunity>>[] = [alice];
		for (let i = 1; i < 10; i++) neighbours.push(await joinCommunity(server, token, `邻居${i}`));
		for (const n of neighbours.slice(0, 9)) expectStatus(await hand(n, 'post'), 200);
		const short = await moderator.post(`/api/v1/opinions/${posted.id}/project`, {});
		expect(short.status).toBe(409);
		expect(short.text).toContain('not_enough_hands');
		expect(short.text).toContain('1 more hand');
		expect((await neighbours[0]!.post(`/api/v1/opinions/${posted.id}/project`, {})).status).toBe(
			403
		);
		expect(expectStatus(await hand(neighbours[9]!, 'post'), 200)).toEqual({ hands: 10 });

		const project = expectStatus(
			await moderator.post<{ projectId: string; sessionId: string }>(
				`/api/v1/opinions/${posted.id}/project`,
				{}
			),
			201,
			'make project'
		);
		const twice = await moderator.post(`/api/v1/opinions/${posted.id}/project`, {});
		expect(twice.status).toBe(409);
		expect(twice.text).toContain('already_project');
		expect((await board())[0]!.projectId).toBe(project.projectId);

		// A member enters the project's cloud session without another invite.
		const socket = await socketClient(server, alice);
		try {
			const joined = await emitAck(socket, 'session:join', { sessionId: project.sessionId });
			expect(joined.ok).toBe(true);
			if (joined.ok) {
				expect(joined.state.kind).toBe('cloud');
				expect(joined.state.me.role).toBe('resident');
				expect(joined.state.items[0]!.title).toBe('想在小区里设自助洗车点');
				expect(joined.state.participants.map((p) => p.name)).toContain('3号楼王阿姨');
			}
		} finally {
			socket.disconnect();
		}
		const transcript = expectStatus(
			await moderator.get<{ entries: { type: string; data: Record<string, unknown> }[] }>(
				`/api/v1/sessions/${project.sessionId}/transcript`
			),
			200
		);
		const entries = Array.isArray(transcript)
			? (transcript as { type: string; data: Record<string, unknown> }[])
			: transcript.entries;
		expect(entries.some((e) => e.type === 'participant_joined' && e.data.via === 'community')).toBe(
			true
		);
		// --- Milestone, notice, ratings -----------------------------------------------------
		const photo = await upload(moderator, png());
		expect(photo.status).toBe(201);
		expectStatus(
			await moderator.post(`/api/v1/projects/${project.projectId}/milestones`, {
				text: '洗车点选址完成，设备已进场。',
				photoId: photo.body.id
			}),
			201,
			'milestone'
		);
		expect(
			(await alice.post(`/api/v1/projects/${project.projectId}/milestones`, { text: 'x' })).status
		).toBe(403);

		const early = await alice.post(`/api/v1/projects/${project.projectId}/ratings`, { stars: 5 });
		expect(early.status).toBe(409);
		expect(early.text).toContain('notice_not_open');
		expect(
			(await moderator.post(`/api/v1/projects/${project.projectId}/notice`, { days: 31 })).status
		).toBe(400);
		const notice = expectStatus(
			await moderator.post<{ startsAt: string; endsAt: string; open: boolean }>(
				`/api/v1/projects/${project.projectId}/notice`,
				{ days: 3 }
			),
			200,
			'notice'
		);
		expect(Date.parse(notice.endsAt) - Date.parse(notice.startsAt)).toBe(3 * 24 * HOUR * 1000);

		for (const stars of [0, 6, 2.5]) {
			const r = await alice.post(`/api/v1/projects/${project.projectId}/ratings`, { stars });
			expect(r.status).toBe(400);
		}
		const ratingsGiven = [5, 4, 4];
		for (const [i, stars] of ratingsGiven.entries()) {
			expectStatus(
				await neighbours[i]!.post(`/api/v1/projects/${project.projectId}/ratings`, {
					stars,
					comment: i === 0 ? '洗车方便多了' : undefined
				}),
				201,
				'rate'
			);
		}
		const repeat = await alice.post(`/api/v1/projects/${project.projectId}/ratings`, { stars: 1 });
		expect(repeat.status).toBe(409);
		expect(repeat.text).toContain('already_rated');

		await advance(admin, 3 * 24 * HOUR);
		const late = await neighbours[5]!.post(`/api/v1/projects/${project.projectId}/ratings`, {
			stars: 1
		});
		expect(late.status).toBe(409);
		expect(late.text).toContain('notice_closed');

		// --- The public page ----------------------------------------------------------------
		const view = expectStatus(
			await new ApiClient(server).get<{
				id: string;
				title: string;
				opinion: { hands: number; responses: unknown[] };
				sessions: { id: string; status: string; closesAt: string }[];
				milestones: { text: string; photoUrl?: string; at: string }[];
				notice?: { startsAt: string; endsAt: string; open: boolean };
				rating: { average: number | null; count: number };
				ratings: { stars: number; comment: string | null }[];
			}>(`/api/v1/projects/${project.projectId}`),
			200,
			'public project'
		);
		expect(view).toMatchObject({
			id: project.projectId,
			title: '想在小区里设自助洗车点',
			opinion: { hands: 10 },
			rating: { average: 4.3, count: 3 },
			notice: { startsAt: notice.startsAt, endsAt: notice.endsAt, open: false }
		});
		expect(view.opinion.responses).toHaveLength(2);
		expect(view.sessions).toEqual([expect.objectContaining({ id: project.sessionId })]);
		expect(view.milestones[0]).toMatchObject({ text: '洗车点选址完成，设备已进场。' });
		expect(view.milestones[0]!.photoUrl).toBe(`/photos/${photo.body.id}`);
		expect(view.ratings.map((r) => r.comment)).toContain('洗车方便多了');
		const served = await fetch(server.url(view.milestones[0]!.photoUrl!));
		expect(served.status).toBe(200);
		expect(served.headers.get('content-type')).toBe('image/png');
		expect(served.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
		expect(served.headers.get('x-content-type-options')).toBe('nosniff');
		expect(new Uint8Array(await served.arrayBuffer())).toEqual(png());
		expect((await new ApiClient(server).get('/api/v1/projects/nope')).status).toBe(404);

		// --- Notifications written with their changes ---------------------------------------
		if (server.store === 'pglite') await server.stop();
		try {
			const notes = await query<{
				kind: string;
				audience: string;
				user_id: string | null;
				member_id: string | null;
			}>(server, `select kind, audience, user_id, member_id from notifications order by id`);
			const staffIds = [admin, moderator].length; // the admin and the moderator
			const of = (kind: string) => notes.filter((n) => n.kind === kind);
			expect(of('opinion_created').filter((n) => n.audience === 'user')).toHaveLength(staffIds);
			// Told once per staff account, though the scheduler ran several times since.
			expect(of('opinion_overdue').filter((n) => n.audience === 'user')).toHaveLength(staffIds);
			expect(of('opinion_overdue').map((n) => n.user_id)).toContain(moderator.user.id);
			expect(of('opinion_response')).toEqual([
				expect.objectContaining({ audience: 'member', member_id: alice.participant.id }),
				expect.objectContaining({ audience: 'member', member_id: alice.participant.id })
			]);
			expect(of('project_created').filter((n) => n.audience === 'community')).toHaveLength(1);
			expect(of('project_created').filter((n) => n.audience === 'member')).toHaveLength(10);
			expect(of('project_milestone')).toHaveLength(1);
			expect(of('project_notice')).toHaveLength(1);
		} finally {
			if (server.store === 'pglite') server = await server.restart();
		}
	});

	it('checks photos by their bytes and size, and community settings by range', async () => {
		const admin = await adminClient(server);
		const link = expectStatus(
			await admin.post<{ url: string }>(`/api/v1/communities/${COMMUNITY}/invites`, {
				role: 'resident'
			}),
			201
		);
		const bob = await joinCommunity(server, tokenOf(link.url), '5号楼老李');
		const stranger = new ApiClient(server);

		expect((await upload(stranger, png())).status).toBe(401);
		const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
		const webp = new Uint8Array(
			[...'RIFF']
				.map((c) => c.charCodeAt(0))
				.concat(
					[0, 0, 0, 0],
					[...'WEBPVP8 '].map((c) => c.charCodeAt(0))
				)
		);
		for (const [bytes, mime] of [
			[png(), 'image/png'],
			[jpeg, 'image/jpeg'],
			[webp, 'image/webp']
		] as const) {
			// The declared type is ignored; the bytes decide.
			const res = await upload(bob, bytes, 'application/octet-stream');
			expect(res.status).toBe(201);
			const served = await fetch(server.url(`/photos/${res.body.id}`));
			expect(served.headers.get('content-type')).toBe(mime);
		}
		const html = await upload(
			bob,
			new TextEncoder().encode('<html><script>x</script>'),
			'image/png'
		);
		expect(html.status).toBe(400);
		expect(html.body.error?.code).toBe('photo_unsupported');
		const empty = await upload(bob, new Uint8Array(0));
		expect(empty.status).toBe(400);
		const big = await upload(bob, png(3 * 1024 * 1024 + 1));
		expect(big.status).toBe(413);
		expect(big.body.error?.code).toBe('photo_too_large');
		const exact = await upload(bob, png(3 * 1024 * 1024));
		expect(exact.status).toBe(201);

		// Multipart with the opinion (the page's path).
		const form = new FormData();
		form.set('title', '楼道灯坏了');
		form.set('text', '3号楼2单元楼道灯不亮。');
		form.set('photo', new Blob([png()], { type: 'image/png' }), 'lamp.png');
		const multipart = await fetch(server.url(`/api/v1/communities/${COMMUNITY}/opinions`), {
			method: 'POST',
			headers: { origin: server.origin, cookie: bob.cookieHeader(), accept: 'application/json' },
			body: form
		});
		expect(multipart.status).toBe(201);
		const { id } = (await multipart.json()) as { id: string };
		const listed = expectStatus(
			await stranger.get<(OpinionRow & { photoUrl?: string; author: string })[]>(
				`/api/v1/communities/${COMMUNITY}/opinions`
			),
			200
		);
		const lamp = listed.find((o) => o.id === id)!;
		expect(lamp.photoUrl).toMatch(/^\/photos\//);
		expect(lamp.author).toBe('5号楼老李');
		expect(listed[0]!.id).toBe(id); // newest first

		// A photo id of no photo is refused.
		const ghost = await bob.post(`/api/v1/communities/${COMMUNITY}/opinions`, {
			title: 't',
			text: 'x',
			photoId: 'nope'
		});
		expect(ghost.status).toBe(404);

		// Settings: moderators and admins, validated ranges; a new opinion takes the new hours.
		expect(
			(
				await bob.request('PATCH', `/api/v1/communities/${COMMUNITY}`, {
					json: { opinionHandThreshold: 3 }
				})
			).status
		).toBe(403);
		for (const body of [
			{ opinionHandThreshold: 0 },
			{ opinionResponseHours: 1000 },
			{ opinionHandThreshold: 2.5 }
		]) {
			const r = await admin.request('PATCH', `/api/v1/communities/${COMMUNITY}`, { json: body });
			expect(r.status).toBe(400);
		}
		const saved = expectStatus(
			await admin.request<{ opinionHandThreshold: number; opinionResponseHours: number }>(
				'PATCH',
				`/api/v1/communities/${COMMUNITY}`,
				{ json: { opinionHandThreshold: 2, opinionResponseHours: 24 } }
			),
			200
		);
		expect(saved).toMatchObject({ opinionHandThreshold: 2, opinionResponseHours: 24 });
		const clockNow = expectStatus(await admin.get<{ now: string }>('/api/v1/test/clock'), 200);
		const next = expectStatus(
			await bob.post<{ id: string; deadline: string }>(
				`/api/v1/communities/${COMMUNITY}/opinions`,
				{
					title: '垃圾房异味',
					text: '夏天味道很大。'
				}
			),
			201
		);
		expect(Date.parse(next.deadline) - Date.parse(clockNow.now)).toBeGreaterThanOrEqual(
			24 * HOUR * 1000
		);
		expect(Date.parse(next.deadline) - Date.parse(clockNow.now)).toBeLessThan(
			24 * HOUR * 1000 + 60_000
		);
		expectStatus(await bob.post(`/api/v1/opinions/${next.id}/hands`), 200);
		const one = await admin.post(`/api/v1/opinions/${next.id}/project`, {});
		expect(one.status).toBe(409);
		expect(one.text).toContain('1 more hand');
	});

	it('the board is live: a watcher sees new opinions, hands, answers, projects and hiding without reloading', async () => {
		const admin = await adminClient(server);
		const moderator = await userClient(server, admin, 'moderator');
		expectStatus(
			await admin.request('PATCH', `/api/v1/communities/${COMMUNITY}`, {
				json: { opinionHandThreshold: 2 }
			}),
			200
		);
		const link = expectStatus(
			await moderator.post<{ url: string }>(`/api/v1/communities/${COMMUNITY}/invites`, {
				role: 'resident'
			}),
			201
		);
		const alice = await joinCommunity(server, tokenOf(link.url), '2号楼张阿姨');
		const bob = await joinCommunity(server, tokenOf(link.url), '7号楼陈伯');

		// Bob's phone follows the board; the moderator's laptop too (staff read hidden words).
		const bobSocket = await socketClient(server, bob);
		const staffSocket = await socketClient(server, moderator);
		try {
			expect(
				await emitAck(bobSocket, 'board:watch', { communityId: 'no-such-community' })
			).toMatchObject({ ok: false, error: { code: 'community_not_found' } });
			expect(await emitAck(bobSocket, 'board:watch', { communityId: '' } as never)).toMatchObject({
				ok: false,
				error: { code: 'invalid_payload' }
			});
			expect(await emitAck(bobSocket, 'board:watch', { communityId: COMMUNITY })).toEqual({
				ok: true
			});
			expect(await emitAck(staffSocket, 'board:watch', { communityId: COMMUNITY })).toEqual({
				ok: true
			});
			const bobSees = watchBoard(bobSocket);
			const staffSees = watchBoard(staffSocket);

			// A new opinion reaches Bob without a reload.
			let seen = bobSees.until(bob, (rows) => rows.some((r) => r.title === '单元门禁坏了'));
			const posted = expectStatus(
				await alice.post<{ id: string }>(`/api/v1/communities/${COMMUNITY}/opinions`, {
					title: '单元门禁坏了',
					text: '7号楼2单元的门禁刷卡没反应，已经三天了。'
				}),
				201
			);
			let rows = await seen;
			expect(rows.find((r) => r.id === posted.id)).toMatchObject({ hands: 0 });

			// Alice's hand goes up, then Bob's: Bob sees the count move each time.
			const handsOf = (list: OpinionRow[]) => list.find((r) => r.id === posted.id)?.hands;
			seen = bobSees.until(bob, (list) => handsOf(list) === 1);
			expectStatus(await alice.post(`/api/v1/opinions/${posted.id}/hands`), 200);
			rows = await seen;
			expect(handsOf(rows)).toBe(1);
			seen = bobSees.until(bob, (list) => handsOf(list) === 0);
			expectStatus(await alice.del(`/api/v1/opinions/${posted.id}/hands`), 200);
			await seen;

			// The committee's answer shows up live.
			seen = bobSees.until(bob, (list) =>
				Boolean(list.find((r) => r.id === posted.id)?.respondedAt)
			);
			expectStatus(
				await moderator.post(`/api/v1/opinions/${posted.id}/responses`, {
					text: '已报修，物业明天上午来换读卡器。'
				}),
				201
			);
			await seen;

			// Enough hands make it a project; the board shows it at once.
			expectStatus(await alice.post(`/api/v1/opinions/${posted.id}/hands`), 200);
			expectStatus(await bob.post(`/api/v1/opinions/${posted.id}/hands`), 200);
			seen = bobSees.until(bob, (list) => Boolean(list.find((r) => r.id === posted.id)?.projectId));
			expectStatus(await moderator.post(`/api/v1/opinions/${posted.id}/project`, {}), 201);
			await seen;

			// Hidden: the event carries no words; Bob's fetch is masked, the staff's is not.
			const other = expectStatus(
				await alice.post<{ id: string }>(`/api/v1/communities/${COMMUNITY}/opinions`, {
					title: '某某家的电话号码',
					text: '13800000000，有事找他。'
				}),
				201
			);
			await bobSees.until(bob, (list) => list.some((r) => r.id === other.id));
			const masked = bobSees.until(bob, (list) => list.find((r) => r.id === other.id)?.text === '');
			const unmasked = staffSees.until(moderator, (list) =>
				Boolean((list.find((r) => r.id === other.id) as { hidden?: unknown } | undefined)?.hidden)
			);
			expectStatus(
				await moderator.post('/api/v1/moderation/hide', {
					kind: 'opinion',
					id: other.id,
					reason: '含他人个人信息'
				}),
				200
			);
			const bobRow = (await masked).find((r) => r.id === other.id)!;
			expect(bobRow).toMatchObject({ title: '', text: '', hidden: { reason: '含他人个人信息' } });
			const staffRow = (await unmasked).find((r) => r.id === other.id)!;
			expect(staffRow.text).toBe('13800000000，有事找他。');
			for (const payload of [...bobSees.payloads, ...staffSees.payloads])
				expect(payload).toEqual({ communityId: COMMUNITY });
		} finally {
			bobSocket.disconnect();
			staffSocket.disconnect();
		}

		// The socket needs a session, as every live socket does.
		await expect(
			socketClient(server, new ApiClient(server), { timeoutMs: 5_000 })
		).rejects.toThrow();
	});

	it('a reader without a sign-in follows the board as server-sent events', async () => {
		const admin = await adminClient(server);
		const moderator = await userClient(server, admin, 'moderator');
		const link = expectStatus(
			await moderator.post<{ url: string }>(`/api/v1/communities/${COMMUNITY}/invites`, {
				role: 'resident'
			}),
			201
		);
		const alice = await joinCommunity(server, tokenOf(link.url), '5号楼刘阿姨');
		const visitor = new ApiClient(server);

		const unknown = await fetch(server.url('/api/v1/communities/no-such/opinions/events'));
		expect(unknown.status).toBe(404);
		expect(await unknown.json()).toMatchObject({ error: { code: 'community_not_found' } });

		const stream = await followEvents(
			server.url(`/api/v1/communities/${COMMUNITY}/opinions/events`)
		);
		try {
			expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
			expect(await stream.next()).toEqual({ event: 'ready', data: { communityId: COMMUNITY } });

			const changed = stream.next();
			const posted = expectStatus(
				await alice.post<{ id: string }>(`/api/v1/communities/${COMMUNITY}/opinions`, {
					title: '垃圾分类点太远',
					text: '老人提着垃圾要走五分钟。'
				}),
				201
			);
			expect(await changed).toEqual({ event: 'changed', data: { communityId: COMMUNITY } });
			const rows = expectStatus(
				await visitor.get<OpinionRow[]>(`/api/v1/communities/${COMMUNITY}/opinions`),
				200
			);
			expect(rows.some((r) => r.id === posted.id)).toBe(true);

			// A hand is a change too: the visitor hears of it without a socket.
			const hand = stream.next();
			expectStatus(await alice.post(`/api/v1/opinions/${posted.id}/hands`), 200);
			expect(await hand).toMatchObject({ event: 'changed' });
		} finally {
			await stream.close();
		}
	});
});
