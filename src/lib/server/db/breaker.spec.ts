import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBreaker, type BreakerOptions } from './breaker';

/** A store the test switches on and off; the probe answers (or not) after `latencyMs`. */
function fakeStore(latencyMs = 10) {
	const store = { up: true, probes: 0, hangs: false, aborted: 0 };
	const probe: BreakerOptions['probe'] = (signal) => {
		store.probes++;
		signal.addEventListener('abort', () => store.aborted++);
		if (store.hangs) return new Promise(() => {});
		const up = store.up;
		return new Promise((resolve, reject) =>
			setTimeout(() => (up ? resolve() : reject(new Error('ECONNREFUSED'))), latencyMs)
		);
	};
	return { store, probe };
}

function breakerOn(probe: BreakerOptions['probe']) {
	const events: string[] = [];
	const breaker = createBreaker({
		probe,
		probeEveryMs: 500,
		probeTimeoutMs: 3_000,
		onOpen: () => events.push('open'),
		onAnswer: (wasOpen) => events.push(wasOpen ? 'back' : 'false alarm')
	});
	return { breaker, events };
}

describe('the store breaker (db/breaker.ts)', () => {
	beforeEach(() => void vi.useFakeTimers());
	afterEach(() => void vi.useRealTimers());

	it('[STORE-5] a hint while the store answers is a false alarm: never open, one probe', async () => {
		const { store, probe } = fakeStore();
		const { breaker, events } = breakerOn(probe);
		expect(breaker.state).toBe('closed');
		breaker.suspect();
		breaker.suspect(); // a burst of closing connections asks once
		expect(breaker.state).toBe('checking');
		await vi.advanceTimersByTimeAsync(10);
		expect(breaker.state).toBe('closed');
		expect(events).toEqual(['false alarm']);
		expect(store.probes).toBe(1);
	});

	it('[STORE-6] a store that refuses opens the breaker as soon as the probe fails, once per outage', async () => {
		const { store, probe } = fakeStore();
		const { breaker, events } = breakerOn(probe);
		store.up = false;
		breaker.suspect();
		await vi.advanceTimersByTimeAsync(10);
		expect(breaker.state).toBe('open');
		expect(events).toEqual(['open']);
		// While open it keeps asking, one probe per period, and hints change nothing.
		breaker.suspect();
		await vi.advanceTimersByTimeAsync(5_000);
		expect(breaker.state).toBe('open');
		expect(events).toEqual(['open']);
		expect(store.probes).toBeGreaterThanOrEqual(9);
		expect(store.probes).toBeLessThanOrEqual(11);
	});

	it('[STORE-7] the first probe that gets an answer closes it (half-open), and it stops asking', async () => {
		const { store, probe } = fakeStore();
		const { breaker, events } = breakerOn(probe);
		store.up = false;
		breaker.suspect();
		await vi.advanceTimersByTimeAsync(2_000);
		expect(breaker.state).toBe('open');
		store.up = true;
		await vi.advanceTimersByTimeAsync(510);
		expect(breaker.state).toBe('closed');
		expect(events).toEqual(['open', 'back']);
		const probes = store.probes;
		await vi.advanceTimersByTimeAsync(10_000);
		expect(store.probes).toBe(probes);
		// A later outage opens it again.
		store.up = false;
		breaker.suspect();
		await vi.advanceTimersByTimeAsync(10);
		expect(events).toEqual(['open', 'back', 'open']);
	});

	it('[STORE-8] a probe that never answers (packets dropped) counts as down after its timeout and is aborted', async () => {
		const { store, probe } = fakeStore();
		const { breaker, events } = breakerOn(probe);
		store.hangs = true;
		breaker.suspect();
		await vi.advanceTimersByTimeAsync(2_999);
		expect(breaker.state).toBe('checking');
		await vi.advanceTimersByTimeAsync(1);
		expect(breaker.state).toBe('open');
		expect(events).toEqual(['open']);
		expect(store.aborted).toBe(1);
	});

	it('[STORE-9] after a false alarm the next hint waits for the period: a flapping pool is renewed once per period at most', async () => {
		const { store, probe } = fakeStore();
		const { breaker, events } = breakerOn(probe);
		breaker.suspect();
		await vi.advanceTimersByTimeAsync(10);
		breaker.suspect();
		expect(breaker.state).toBe('checking');
		await vi.advanceTimersByTimeAsync(400);
		expect(store.probes).toBe(1);
		await vi.advanceTimersByTimeAsync(110);
		expect(store.probes).toBe(2);
		expect(events).toEqual(['false alarm', 'false alarm']);
		expect(breaker.state).toBe('closed');
	});

	it('[STORE-10] a stopped breaker neither probes nor reports', async () => {
		const { store, probe } = fakeStore();
		const { breaker, events } = breakerOn(probe);
		store.up = false;
		breaker.suspect();
		await vi.advanceTimersByTimeAsync(10);
		breaker.stop();
		const probes = store.probes;
		store.up = true;
		await vi.advanceTimersByTimeAsync(5_000);
		expect(store.probes).toBe(probes);
		expect(events).toEqual(['open']);
		breaker.suspect();
		expect(store.probes).toBe(probes);
	});
});
