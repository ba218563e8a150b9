import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Coalescer } from './coalesce';

// Fake timers (setTimeout, setImmediate, Date) so the intervals are stepped, not waited for.
beforeEach(() => {
	vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
});
afterEach(() => {
	vi.useRealTimers();
});

describe('Coalescer', () => {
	it('sends the first change at once and folds a burst into one trailing flush', async () => {
		const sent: string[] = [];
		const c = new Coalescer(50, (key) => void sent.push(key));
		c.mark('vote-1');
		await vi.advanceTimersByTimeAsync(0);
		expect(sent).toEqual(['vote-1']);
		for (let i = 0; i < 100; i++) c.mark('vote-1');
		await vi.advanceTimersByTimeAsync(10);
		expect(sent).toEqual(['vote-1']);
		await vi.advanceTimersByTimeAsync(40);
		expect(sent).toEqual(['vote-1', 'vote-1']);
	});

	it('keeps keys apart', async () => {
		const sent: string[] = [];
		const c = new Coalescer(50, (key) => void sent.push(key));
		c.mark('a');
		c.mark('b');
		c.mark('a');
		await vi.advanceTimersByTimeAsync(0);
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
		await vi.advanceTimersByTimeAsync(0);
		c.mark('small');
		c.mark('large');
		await vi.advanceTimersByTimeAsync(20);
		// The small room's trailing flush is out; the large room's waits for its longer interval.
		expect(sent.sort()).toEqual(['large', 'small', 'small']);
		await vi.advanceTimersByTimeAsync(179);
		expect(sent.filter((k) => k === 'large')).toHaveLength(1);
		await vi.advanceTimersByTimeAsync(1);
		expect(sent.filter((k) => k === 'large')).toHaveLength(2);
		c.cancelAll();
	});
});
