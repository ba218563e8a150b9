/**
 * A circuit breaker in front of Postgres (the pattern as Michael Nygard's "Release It!" names
 * it, chapter "Stability Patterns: Circuit Breaker"; Martin Fowler, "CircuitBreaker", 2014).
 *
 * - closed: queries go to the pool.
 * - checking: something hinted the store is gone (a connection closed, a health check failed):
 *   a probe on a connection of its own asks Postgres at once; queries still go to the pool.
 * - open: the probe got no answer. `onOpen` drops the pool, so every query is refused at once
 *   (`store_unavailable`) instead of waiting behind connection attempts; the probe asks again
 *   every `probeEveryMs` (half-open) and the first answer closes the breaker (`onAnswer`).
 *
 * The probe is the only thing that talks to Postgres while it is down: one attempt per period
 * per node, whatever the traffic.
 */
export type BreakerState = 'closed' | 'checking' | 'open';

export interface BreakerOptions {
	/** Asks the store on a connection of its own; rejects when it does not answer. */
	probe(signal: AbortSignal): Promise<void>;
	/** The store is down: drop what waits on it. Called once per outage. */
	onOpen(): void;
	/** The store answered after a hint; `wasOpen` says whether it had been confirmed down. */
	onAnswer(wasOpen: boolean): void;
	/** Time between probes while open. */
	probeEveryMs: number;
	/** A probe still unanswered after this counts as no answer (and is aborted). */
	probeTimeoutMs: number;
}

export interface Breaker {
	readonly state: BreakerState;
	/** A hint that the store may be gone: probe now unless a probe is already on its way. */
	suspect(): void;
	/** Stops probing for good (the store is being closed). */
	stop(): void;
}

export function createBreaker(options: BreakerOptions): Breaker {
	let state: BreakerState = 'closed';
	let stopped = false;
	let next: ReturnType<typeof setTimeout> | null = null;
	let answeredAt = -Infinity;

	async function answers(): Promise<boolean> {
		const controller = new AbortController();
		let timer: ReturnType<typeof setTimeout> | undefined;
		try {
			await Promise.race([
				options.probe(controller.signal),
				new Promise((_, reject) => {
					timer = setTimeout(() => reject(new Error('probe timeout')), options.probeTimeoutMs);
				})
			]);
			return true;
		} catch {
			controller.abort();
			return false;
		} finally {
			clearTimeout(timer);
		}
	}

	function later(ms: number): void {
		next = setTimeout(() => void probe(), ms);
		// A node shutting down must not be kept alive by a probe.
		(next as { unref?: () => void }).unref?.();
	}

	async function probe(): Promise<void> {
		next = null;
		const ok = await answers();
		if (stopped) return;
		if (ok) {
			const wasOpen = state === 'open';
			state = 'closed';
			answeredAt = Date.now();
			options.onAnswer(wasOpen);
			return;
		}
		if (state !== 'open') {
			state = 'open';
			options.onOpen();
		}
		later(options.probeEveryMs);
	}

	return {
		get state() {
			return state;
		},
		suspect() {
			if (stopped || state !== 'closed') return;
			state = 'checking';
			// Connections that keep closing while Postgres answers the probe (a pool refused as
			// too_many_connections, say) are checked, and the pool renewed, once per period at most.
			const wait = answeredAt + options.probeEveryMs - Date.now();
			if (wait > 0) later(wait);
			else void probe();
		},
		stop() {
			stopped = true;
			if (next) clearTimeout(next);
			next = null;
		}
	};
}
