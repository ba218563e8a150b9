/**
 * Who reads which notification (REFERENCE.md §6): the audiences' SQL on each store — session members
 * from when they joined, one's own participant and community-member rows, a community's members
 * (and every staff account), one account — and the read cursor that never moves back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids';
import type { Db } from './client';
import * as notifications from './notifications';
import * as orgs from './orgs';
import * as participants from './participants';
import { communityMembers } from './schema';
import * as sessions from './sessions';
import { storeFactories, type OpenedStore } from './test-stores';
import * as users from './users';

for (const factory of storeFactories()) {
	describe(`notification audiences on ${factory.name}`, () => {
		let opened: OpenedStore;
		let db: Db;
		let moderatorId: string;

		beforeAll(async () => {
			opened = await factory.open();
			db = opened.store.db;
			await orgs.ensureDefaults(db, { street: '四平路街道', community: '鞍山四村' });
			moderatorId = (
				await users.insert(db, {
					id: newId(),
					username: 'mod',
					passwordHash: 'x',
					role: 'moderator'
				})
			).id;
		});
		afterAll(() => opened?.dispose());

		const note = (row: Partial<notifications.NewNotification> & { at: Date }) =>
			notifications.insert(db, { kind: 'test', audience: 'session', text: 't', ...row });

		it('gives each reader the notifications of their audiences, newest first', async () => {
			const session = await sessions.insert(
				db,
				{
					id: newId(),
					communityId: orgs.DEFAULT_COMMUNITY_ID,
					title: '云协商',
					kind: 'cloud',
					createdBy: moderatorId
				},
				[]
			);
			const wang = await participants.insert(db, {
				id: newId(),
				sessionId: session.id,
				authSessionId: 'device-wang',
				name: '王阿姨',
				role: 'resident'
			});
			const joinedAt = wang.createdAt;
			const [member] = await db
				.insert(communityMembers)
				.values({
					id: newId(),
					communityId: orgs.DEFAULT_COMMUNITY_ID,
					authSessionId: 'device-wang',
					name: '王阿姨',
					role: 'resident'
				})
				.returning();
			const later = new Date(joinedAt.getTime() + 60_000);
			const before = new Date(joinedAt.getTime() - 3_600_000);

			const old = await note({ audience: 'session', sessionId: session.id, at: before });
			const s1 = await note({ audience: 'session', sessionId: session.id, at: later });
			const p1 = await note({ audience: 'participant', participantId: wang.id, at: later });
			const c1 = await note({
				audience: 'community',
				communityId: orgs.DEFAULT_COMMUNITY_ID,
				at: later
			});
			const m1 = await note({ audience: 'member', memberId: member!.id, at: later });
			const u1 = await note({ audience: 'user', userId: moderatorId, at: later });
			const other = await note({
				audience: 'participant',
				participantId: 'someone-else',
				at: later
			});

			const wangReader = { authSessionId: 'device-wang', userId: null, staff: false };
			const feed = await notifications.feed(db, wangReader, { limit: 50 });
			expect(feed.map((n) => n.id)).toEqual([m1.id, c1.id, p1.id, s1.id]);
			expect(feed.map((n) => n.id)).not.toContain(old.id); // before she joined
			expect(feed.map((n) => n.id)).not.toContain(other.id);
			expect(await notifications.feed(db, wangReader, { limit: 2, before: c1.id })).toEqual(
				feed.slice(2, 4)
			);

			// A staff account: its own notifications and every community's, not the room's.
			const staff = { authSessionId: 'laptop', userId: moderatorId, staff: true };
			expect((await notifications.feed(db, staff, { limit: 50 })).map((n) => n.id)).toEqual([
				u1.id,
				c1.id
			]);
			// A stranger's device sees nothing.
			const stranger = { authSessionId: 'device-x', userId: null, staff: false };
			expect(await notifications.feed(db, stranger, { limit: 50 })).toEqual([]);

			expect(await notifications.countAfter(db, wangReader, 0)).toBe(4);
			await notifications.advanceCursor(db, 'device:device-wang', c1.id);
			await notifications.advanceCursor(db, 'device:device-wang', s1.id);
			expect(await notifications.cursorOf(db, 'device:device-wang')).toBe(c1.id);
			expect(await notifications.countAfter(db, wangReader, c1.id)).toBe(1);

			// Push reaches the room by account and device keys.
			expect(await notifications.recipientsOf(db, s1)).toEqual(['device:device-wang']);
			expect(await notifications.recipientsOf(db, c1)).toEqual(
				expect.arrayContaining(['device:device-wang', `user:${moderatorId}`])
			);
		});
	});
}
