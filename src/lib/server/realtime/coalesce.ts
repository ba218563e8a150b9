/**
 * Runs `flush(key)` at most once per key per interval: the first change in a quiet period is
 * sent on the next tick, later ones ride along with a trailing flush. So a burst of ballots
 * becomes one tally every `intervalMs`, and no change is ever left unsent. The interval may
 * depend on the key (e.g. on how many sockets a room's broadcast reaches), read at each mark.
 */
export class Coalescer {
	#due = new Map<string, ReturnType<typeof setTimeout> | 'immediate'>();
	#last = new Map<string, number>();
	#pending = new Set<string>();

	/**
	 * `leading`: when the first change of a quiet period is sent — on the next turn of the event
	 * loop (`immediate`, after pending I/O), or once the current one is done (`tick`: after the
	 * promise continuations already queued, such as the ack of the change that marked it).
	 */
	constructor(
		private readonly intervalMs: number | ((key: string) => number),
		private readonly flush: (key: string) => Promise<void> | void,
		private readonly leading: 'immediate' | 'tick' = 'immediate'
	) {}

	mark(key: string): void {
		this.#pending.add(key);
		if (this.#due.has(key)) return;
		const interval = typeof this.intervalMs === 'number' ? this.intervalMs : this.intervalMs(key);
		const wait = Math.max(0, (this.#last.get(key) ?? 0) + interval - Date.now());
		if (wait === 0) {
			this.#due.set(key, 'immediate');
			if (this.leading === 'tick') process.nextTick(() => void this.#run(key));
			else setImmediate(() => void this.#run(key));
		} else {
			this.#due.set(
				key,
				setTimeout(() => void this.#run(key), wait)
			);
		}
	}

	async #run(key: string) {
		this.#due.delete(key);
		if (!this.#pending.delete(key)) return;
		this.#last.set(key, Date.now());
		try {
			await this.flush(key);
		} finally {
			// Keep the map small: forget keys that have been quiet for a while.
			if (this.#last.size > 10_000) {
				const old = Date.now() - 60_000;
				for (const [k, at] of this.#last) if (at < old) this.#last.delete(k);
			}
		}
	}

	cancelAll(): void {
		for (const due of this.#due.values()) if (due !== 'immediate') clearTimeout(due);
		this.#due.clear();
		this.#pending.clear();
	}
}
