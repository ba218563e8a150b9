import { describe, expect, it } from 'vitest';
import { Coalescer } from './coalesce';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Coalescer', () => {
	it('sends the first change at once and folds a burst into one trailing flush', async () => {
		const sent: string[] = [];
		const c = new Coalescer(50, (key) => void sent.push(key));
		c.mark('vote-1');
		await sleep(5);
		expect(sent).toEqual(['vote-1']);
		for (let i = 0; i < 100; i++) c.mark('vote-1');
		await sleep(10);
		expect(sent).toEqual(['vote-1']);
		await sleep(80);
		expect(sent).toEqual(['vote-1', 'vote-1']);
	});

	it('keeps keys apart', async () => {
		const sent: string[] = [];
		const c = new Coalescer(50, (key) => void sent.push(key));
		c.mark('a');
		c.mark('b');
		c.mark('a');
		await sleep(5);
		expect(sent.sort()).toEqual(['a', 'b']);
		c.cancelAll();
	});

	it('reads a per-key interval at each change', async () => {
		const sent: string[] = [];
		const interval = new Map([
			['small', 20],
			['large', 200]
		]);
		const c = new Coalescer(
			(key) => interval.get(key)!,
			(key) => void sent.push(key)
		);
		c.mark('small');
		c.mark('large');
		await sleep(5);
		c.mark('small');
		c.mark('large');
		await sleep(60);
		// The small room's trailing flush is out; the large room's waits for its longer interval.
		expect(sent.sort()).toEqual(['large', 'small', 'small']);
		await sleep(200);
		expect(sent.filter((k) => k === 'large')).toHaveLength(2);
		c.cancelAll();
	});
});
