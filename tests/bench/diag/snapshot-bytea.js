/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Diagnosis (compaction stall): what writing and reading a proposal snapshot of
 * <bytes> (default 1 MB) costs in PGlite, with the bytea passed as bytes (drizzle's default,
 * serialised in JS) and as base64 text decoded by Postgres (what db/documents.ts does now).
 * Prints wall time per write/read; during a write the event loop is blocked for that long.
 *   node tests/bench/diag/snapshot-bytea.js [bytes]
 */
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { customType, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { randomBytes } from 'node:crypto';

const size = Number(process.argv[2] ?? 1_000_000);
const bytea = customType({ dataType: () => 'bytea' });
const snaps = pgTable('snaps', { name: text('name').primaryKey(), state: bytea('state'), n: integer('n') });
const client = new PGlite();
const db = drizzle(client);
await db.execute(sql`create table snaps (name text primary key, state bytea, n integer)`);
const state = new Uint8Array(randomBytes(size));

async function time(label, run, reps = 5) {
	const ms = [];
	for (let i = 0; i < reps; i++) {
		const t = performance.now();
		await run(i);
		ms.push(performance.now() - t);
	}
	ms.sort((a, b) => a - b);
	console.log(`${label}: median ${ms[reps >> 1].toFixed(1)} ms (min ${ms[0].toFixed(1)}, max ${ms.at(-1).toFixed(1)})`);
}

await time('write bytes  ', (i) =>
	db.insert(snaps).values({ name: 'a', state, n: i }).onConflictDoUpdate({ target: snaps.name, set: { state, n: i } })
);
await time('write base64 ', (i) => {
	const b64 = Buffer.from(state).toString('base64');
	return db
		.insert(snaps)
		.values({ name: 'b', state: sql`decode(${b64}, 'base64')`, n: i })
		.onConflictDoUpdate({ target: snaps.name, set: { state: sql`excluded.state`, n: i } });
});
await time('read bytes   ', () => db.select({ s: snaps.state }).from(snaps).where(sql`name = 'a'`));
await time('read base64  ', async () => {
	const [r] = await db.select({ s: sql`encode(${snaps.state}, 'base64')` }).from(snaps).where(sql`name = 'b'`);
	return Buffer.from(r.s, 'base64');
});
const [a] = await db.select({ s: snaps.state }).from(snaps).where(sql`name = 'a'`);
const [b] = await db.select({ s: sql`encode(${snaps.state}, 'base64')` }).from(snaps).where(sql`name = 'b'`);
console.log('same bytes back:', Buffer.compare(Buffer.from(a.s), Buffer.from(state)) === 0, Buffer.compare(Buffer.from(b.s, 'base64'), Buffer.from(state)) === 0);
await client.close();
