/**
 * docs/OPERATING.md's "a runtime role that cannot rewrite history", followed to the letter on a real
 * Postgres server: migrations run as the owner role, the server then runs as a role that only
 * reads and appends, a meeting still works end to end, and that role cannot disable the
 * append-only triggers or change an entry. Needs DATABASE_URL (a superuser, to create the roles).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createSessionWithInvites,
	emitAck,
	expectStatus,
	joinAs,
	ROOT,
	socketClient,
	startServer,
	type ServerHandle
} from './harness';

const adminUrl = process.env.DATABASE_URL;

/** The GRANT/REVOKE statements of docs/OPERATING.md's role setup (its sql block), in order. */
function readmeGrants(): string[] {
	const readme = readFileSync(path.join(ROOT, 'docs', 'OPERATING.md'), 'utf8');
	const block = /```sql\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
	const lines = block
		.split('\n')
		.map((l) => l.replace(/--.*$/, '').trim())
		.filter((l) => /^(GRANT|REVOKE)\b/.test(l));
	expect(lines.length, 'docs/OPERATING.md has the GRANT lines').toBeGreaterThan(3);
	return lines;
}

function urlAs(role: string, password: string, database: string): string {
	const url = new URL(adminUrl!);
	url.username = role;
	url.password = password;
	url.pathname = `/${database}`;
	return url.toString();
}

describe.skipIf(!adminUrl)('Postgres roles as docs/OPERATING.md sets them up', () => {
	const suffix = randomBytes(4).toString('hex');
	const owner = `yishi_owner_${suffix}`;
	const app = `yishi_app_${suffix}`;
	const database = `yishi_roles_${suffix}`;
	const password = `pw-${suffix}`;
	let server: ServerHandle | undefined;

	beforeAll(async () => {
		const root = postgres(adminUrl!, { max: 1, onnotice: () => {} });
		try {
			await root.unsafe(`CREATE ROLE ${owner} LOGIN PASSWORD '${password}'`);
			await root.unsafe(`CREATE ROLE ${app} LOGIN PASSWORD '${password}'`);
			await root.unsafe(`CREATE DATABASE ${database} OWNER ${owner}`);
		} finally {
			await root.end();
		}
		// Once as the owner: the migrations run (committed before it listens); then it goes.
		const first = await startServer({
			store: 'postgres',
			database: urlAs(owner, password, database)
		});
		await first.dispose();
		// The GRANT and REVOKE lines of docs/OPERATING.md as written there, as the owner, in the new database.
		const asOwner = postgres(urlAs(owner, password, database), { max: 1, onnotice: () => {} });
		try {
			for (const line of readmeGrants()) await asOwner.unsafe(line.replaceAll('yishi_app', app));
		} finally {
			await asOwner.end();
		}
		server = await startServer({ store: 'postgres', database: urlAs(app, password, database) });
	}, 120_000);

	afterAll(async () => {
		await server?.dispose();
		const root = postgres(adminUrl!, { max: 1, onnotice: () => {} });
		try {
			await root.unsafe(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
			await root.unsafe(`DROP ROLE IF EXISTS ${app}`);
			await root.unsafe(`DROP ROLE IF EXISTS ${owner}`);
		} finally {
			await root.end();
		}
	});

	it('runs a meeting as the runtime role, which cannot rewrite or unguard the transcript', async () => {
		const fx = await createSessionWithInvites(server!, { roles: ['resident'] });
		const wang = await joinAs(server!, fx.invites.resident!.token, '王阿姨');
		const vote = expectStatus<{ id: string }>(
			await fx.moderator.post(`/api/v1/items/${fx.session.items[0]!.id}/votes`, {
				question: '是否同意',
				kind: 'yes_no_abstain',
				secret: false,
				tally: 'live',
				eligibility: 'participants',
				rule: { kind: 'majority_cast' }
			}),
			201
		);
		expectStatus(await fx.moderator.post(`/api/v1/votes/${vote.id}/open`), 200);
		const socket = await socketClient(server!, wang);
		await emitAck(socket, 'session:join', { sessionId: fx.session.id });
		expect(await emitAck(socket, 'ballot:cast', { voteId: vote.id, choice: 'yes' })).toMatchObject({
			ok: true
		});
		socket.disconnect();
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`), 200);
		const transcript = expectStatus<{ entries: { type: string }[]; signedHead: unknown }>(
			await wang.get(`/api/v1/sessions/${fx.session.id}/transcript`),
			200
		);
		expect(transcript.entries.map((e) => e.type)).toContain('vote_closed');
		expect(transcript.signedHead).not.toBeNull();

		// What docs/OPERATING.md promises: the application's own login cannot take the guard off.
		const asApp = postgres(urlAs(app, password, database), { max: 1, onnotice: () => {} });
		try {
			for (const attack of [
				'ALTER TABLE transcript_entries DISABLE TRIGGER USER',
				`UPDATE transcript_entries SET data = '{}'::jsonb WHERE seq = 1`,
				'DELETE FROM transcript_entries',
				'TRUNCATE transcript_entries',
				`UPDATE signed_heads SET signature = 'x'`
			]) {
				await expect(asApp.unsafe(attack), attack).rejects.toThrow(
					/permission denied|must be owner|append-only/
				);
			}
		} finally {
			await asApp.end();
		}
	});
});
