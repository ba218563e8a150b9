import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chain, GENESIS, hashEntry, verify, type Entry } from './transcript';

function build(n: number): Entry[] {
	const entries: Entry[] = [];
	for (let i = 0; i < n; i++) {
		const head = entries.at(-1) ?? null;
		entries.push(
			chain(head, {
				at: new Date(Date.UTC(2026, 10, 22, 11, 0, i)).toISOString(),
				type: i % 2 ? 'statement' : 'minutes',
				actor: { id: `p${i}`, name: `居民${i}`, role: 'resident' },
				data: { text: `第${i}条发言：电梯更新费用按面积分摊`, n: i, area: 88.5 }
			})
		);
	}
	return entries;
}

const cli = (entries: unknown, ...args: string[]) => {
	const dir = mkdtempSync(path.join(tmpdir(), 'yishi-verify-'));
	const file = path.join(dir, 't.json');
	writeFileSync(file, JSON.stringify(entries));
	try {
		return {
			code: 0,
			out: execFileSync('node', ['src/cli/verify.js', file, ...args], {
				encoding: 'utf8',
				stdio: 'pipe'
			})
		};
	} catch (error) {
		const e = error as { status: number; stderr: string };
		return { code: e.status, out: e.stderr };
	}
};

describe('transcript chain (REFERENCE.md §4)', () => {
	const entries = build(6);
	const head = entries.at(-1)!.hash;

	it('[CHAIN-1] starts from 64 zeros, numbers entries from 1 and links each to the last', () => {
		expect(entries[0]!.prevHash).toBe(GENESIS);
		expect(entries.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
		expect(entries[3]!.prevHash).toBe(entries[2]!.hash);
		expect(verify(entries)).toEqual({ ok: true, head, count: 6 });
	});

	it('[CHAIN-2] hashes prevHash + the RFC 8785 canonical JSON of {seq, at, type, actor, data}', () => {
		const e = entries[0]!;
		// Key order and number formatting must not matter: JCS sorts keys and writes 88.5.
		const shuffled = {
			data: { area: 88.5, n: 0, text: (e.data as { text: string }).text },
			type: e.type,
			seq: 1,
			actor: e.actor,
			at: e.at
		};
		expect(hashEntry(GENESIS, shuffled)).toBe(e.hash);
		expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
	});

	const trials: [string, (list: Entry[]) => Entry[], number][] = [
		[
			'an edited text',
			(l) =>
				l.map((e) =>
					e.seq === 3 ? { ...e, data: { ...(e.data as object), text: '改过的发言' } } : e
				),
			3
		],
		[
			'an edited time',
			(l) => l.map((e) => (e.seq === 2 ? { ...e, at: '2026-11-22T00:00:00.000Z' } : e)),
			2
		],
		['a deleted entry', (l) => l.filter((e) => e.seq !== 4), 4],
		['two entries swapped', (l) => [l[0]!, l[2]!, l[1]!, ...l.slice(3)], 2],
		[
			'an inserted entry',
			(l) => [...l.slice(0, 2), { ...l[2]!, type: 'statement' }, ...l.slice(2)],
			3
		],
		[
			'an entry re-hashed after editing',
			(l) =>
				l.map((e) =>
					e.seq === 5 ? { ...e, data: 'x', hash: hashEntry(e.prevHash, { ...e, data: 'x' }) } : e
				),
			6
		]
	];

	for (const [what, tamper, seq] of trials) {
		it(`[CHAIN-TAMPER] detects ${what} and names seq ${seq}`, () => {
			const result = verify(tamper(entries));
			expect(result).toMatchObject({ ok: false, seq });
			const run = cli({ entries: tamper(entries) });
			expect(run.code).toBe(1);
			expect(run.out).toContain(`seq ${seq}`);
		});
	}

	it('[CHAIN-TAMPER] detects a truncated chain against a published head', () => {
		const cut = entries.slice(0, 4);
		expect(verify(cut)).toMatchObject({ ok: true }); // a prefix is a valid chain on its own …
		expect(verify(cut, head)).toMatchObject({ ok: false, seq: 5 }); // … but not the published one
		expect(cli({ entries: cut }, '--head', head).code).toBe(1);
		expect(cli({ entries: cut, head }).code).toBe(1);
	});

	it('[CHAIN-CLI] `npm run verify` prints the head and exits 0 for an intact chain', () => {
		const run = cli({ sessionId: 's', entries, head });
		expect(run).toEqual({ code: 0, out: `${head}\n` });
	});
});
