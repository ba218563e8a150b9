/**
 * drizzle/0019_follow_ups.sql moves what projects and item outcomes kept in tables of their own
 * (milestones, ratings, notice, progress) into follow_ups; 0020 drops the old tables. Applied to
 * a database written by the release before, nothing a resident could see may be lost.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';

const FOLDER = path.resolve(import.meta.dirname, '../../../../drizzle');

/** The migrations folder as the release before shipped it (up to and with `last`). */
function foldersUpTo(last: string): string {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'yishi-migrations-'));
	cpSync(FOLDER, dir, { recursive: true });
	const journalPath = path.join(dir, 'meta/_journal.json');
	const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as {
		entries: { tag: string }[];
	};
	const at = journal.entries.findIndex((e) => e.tag.startsWith(last));
	journal.entries = journal.entries.slice(0, at + 1);
	writeFileSync(journalPath, JSON.stringify(journal));
	return dir;
}

describe('migration to one follow-up for projects and outcomes', () => {
	const client = new PGlite();
	const db = drizzle(client);
	const before = foldersUpTo('0018');
	afterAll(async () => {
		await client.close();
		rmSync(before, { recursive: true, force: true });
	});

	it('keeps every milestone, rating, notice and progress update', async () => {
		await migrate(db, { migrationsFolder: before });
		await client.exec(`
			insert into streets (id, name) values ('st', '街道');
			insert into communities (id, street_id, name) values ('c1', 'st', '和平花园');
			insert into users (id, username, password_hash, role) values ('u1', 'mod', 'x', 'moderator');
			insert into community_members (id, community_id, name, role)
				values ('m1', 'c1', '王阿姨', 'resident'), ('m2', 'c1', '李师傅', 'resident');
			insert into opinions (id, community_id, author_name, title, text, deadline, created_at)
				values ('o1', 'c1', '王阿姨', '路灯', '路灯坏了', now(), now()),
				       ('o2', 'c1', '李师傅', '快递柜', '挪到北门', now(), now());
			insert into projects (id, community_id, opinion_id, title, created_by, created_at,
					notice_starts_at, notice_ends_at)
				values ('p1', 'c1', 'o1', '修路灯', 'u1', now(), '2026-11-01T00:00:00Z', '2026-11-08T00:00:00Z'),
				       ('p2', 'c1', 'o2', '挪快递柜', 'u1', now(), null, null);
			insert into project_milestones (id, project_id, text, author_name, at)
				values ('ms1', 'p1', '灯具已订购', 'mod', '2026-10-20T00:00:00Z'),
				       ('ms2', 'p1', '灯已修好', 'mod', '2026-10-25T00:00:00Z'),
				       ('ms3', 'p2', '已联系快递公司', 'mod', '2026-10-26T00:00:00Z');
			insert into project_ratings (project_id, member_id, stars, comment, at)
				values ('p1', 'm1', 5, '很快', '2026-11-02T00:00:00Z'),
				       ('p1', 'm2', 3, null, '2026-11-03T00:00:00Z');
			insert into sessions (id, community_id, title, kind, created_by)
				values ('s1', 'c1', '议事会', 'live', 'u1');
			insert into items (id, session_id, position, title, doc_name)
				values ('i1', 's1', 0, '加装电梯', 'item-i1'), ('i2', 's1', 1, '绿化', 'item-i2');
			insert into item_outcomes (item_id, amending, text, owner, progress)
				values ('i1', false, '加装一部', '居委会', 'in_progress'), ('i2', true, null, null, 'not_started');
			insert into item_progress (id, item_id, text, status, author_name, at)
				values ('ip1', 'i1', '已招标', 'in_progress', 'mod', '2026-10-21T00:00:00Z');
		`);

		await migrate(db, { migrationsFolder: FOLDER });

		const { rows: followUps } = await client.query<Record<string, unknown>>(
			`select id, subject_kind, subject_id, community_id, status, notice_ends_at
			   from follow_ups order by id`
		);
		expect(followUps).toEqual([
			expect.objectContaining({ subject_kind: 'item', subject_id: 'i1', status: 'in_progress' }),
			expect.objectContaining({
				subject_kind: 'project',
				subject_id: 'p1',
				community_id: 'c1',
				status: 'done',
				notice_ends_at: new Date('2026-11-08T00:00:00Z')
			}),
			expect.objectContaining({ subject_kind: 'project', subject_id: 'p2', status: 'in_progress' })
		]);
		const { rows: updates } = await client.query<Record<string, unknown>>(
			`select u.id, f.subject_id, u.text, u.status from follow_up_updates u
			   join follow_ups f on f.id = u.follow_up_id order by u.at`
		);
		expect(updates).toEqual([
			{ id: 'ms1', subject_id: 'p1', text: '灯具已订购', status: null },
			{ id: 'ip1', subject_id: 'i1', text: '已招标', status: 'in_progress' },
			{ id: 'ms2', subject_id: 'p1', text: '灯已修好', status: null },
			{ id: 'ms3', subject_id: 'p2', text: '已联系快递公司', status: null }
		]);
		const { rows: ratings } = await client.query<Record<string, unknown>>(
			`select f.subject_id, r.member_id, r.stars, r.comment from follow_up_ratings r
			   join follow_ups f on f.id = r.follow_up_id order by r.at`
		);
		expect(ratings).toEqual([
			{ subject_id: 'p1', member_id: 'm1', stars: 5, comment: '很快' },
			{ subject_id: 'p1', member_id: 'm2', stars: 3, comment: null }
		]);
		// What stays with the item (the amending phase, the statement) is untouched.
		const { rows: outcomes } = await client.query<Record<string, unknown>>(
			`select item_id, amending, text from item_outcomes order by item_id`
		);
		expect(outcomes).toEqual([
			{ item_id: 'i1', amending: false, text: '加装一部' },
			{ item_id: 'i2', amending: true, text: null }
		]);
		const { rows: gone } = await client.query<{ n: number }>(
			`select count(*)::int as n from information_schema.tables
			  where table_name in ('project_milestones', 'project_ratings', 'item_progress')`
		);
		expect(gone[0]!.n).toBe(0);
	}, 120_000); // two runs of every migration on a shared machine
});
