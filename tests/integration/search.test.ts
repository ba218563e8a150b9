/**
 * Search ranking and pages on the real build (REFERENCE.md §11, `GET /api/v1/search`): only a
 * bounded set of matches is ranked (db/search.ts), so what people expect first — the text with
 * the word in its title — must still come first, and pages must follow one another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchPageView } from '../../src/lib/protocol';
import {
	ApiClient,
	availableStores,
	createSessionWithInvites,
	expectStatus,
	startServer,
	type ServerHandle
} from './harness';

describe.each(availableStores())('search (%s)', (store) => {
	let server: ServerHandle;
	beforeAll(async () => {
		server = await startServer({ store });
	});
	afterAll(async () => {
		await server?.dispose();
	});

	async function closedSession(title: string, items: { title: string; body?: string }[]) {
		const fx = await createSessionWithInvites(server, { title, items });
		expectStatus(await fx.moderator.post(`/api/v1/sessions/${fx.session.id}/close`, {}), 200);
		return fx;
	}

	const page = async (query: string) =>
		expectStatus<SearchPageView>(await new ApiClient(server).get(`/api/v1/search?${query}`), 200);

	it('[SEARCH-5] a title with the word comes before newer texts that only mention it, however often', async () => {
		await closedSession('三号楼议事会', [{ title: '加装电梯方案', body: '请大家讨论。' }]);
		await closedSession('五号楼议事会', [
			{ title: '其他事项', body: '电梯坏了，电梯要修，电梯的费用谁出，电梯公司怎么说。' }
		]);
		const { results } = await page(`q=${encodeURIComponent('电梯')}`);
		expect(results[0]).toMatchObject({ kind: 'item', title: '加装电梯方案' });
		const mention = results.findIndex((r) => r.title === '其他事项');
		expect(mention).toBeGreaterThan(0);
		expect(results[mention]!.snippet).toContain('电梯');
	});

	it('[SEARCH-6] pages follow one another without repeats or gaps, and say where the next starts', async () => {
		await closedSession(
			'七号楼议事会',
			Array.from({ length: 7 }, (_, i) => ({
				title: `第${i + 1}项`,
				body: `车棚的第${i + 1}个问题。`
			}))
		);
		const all = await page(`q=${encodeURIComponent('车棚')}`);
		expect(all.results.length).toBeGreaterThanOrEqual(7);
		expect(all.nextOffset).toBeNull();
		const seen: string[] = [];
		const offsets: (number | null)[] = [];
		let offset: number | null = 0;
		while (offset !== null) {
			const p: SearchPageView = await page(
				`q=${encodeURIComponent('车棚')}&limit=3&offset=${offset}`
			);
			expect(p.results.length).toBeLessThanOrEqual(3);
			seen.push(...p.results.map((r) => `${r.kind} ${r.url} ${r.title}`));
			offsets.push(p.nextOffset);
			offset = p.nextOffset;
		}
		expect(seen).toEqual(all.results.map((r) => `${r.kind} ${r.url} ${r.title}`));
		expect(offsets.slice(0, 2)).toEqual([3, 6]);
	});

	it('[SEARCH-7] a page size or offset out of range is a 400, not an empty page', async () => {
		const anonymous = new ApiClient(server);
		const q = `q=${encodeURIComponent('车棚')}`;
		for (const bad of ['limit=0', 'limit=51', 'limit=abc', 'offset=-1', 'offset=400', 'offset=1.5'])
			expectStatus(await anonymous.get(`/api/v1/search?${q}&${bad}`), 400, bad);
		expect((await page(`${q}&offset=399`)).results).toEqual([]);
	});
});
