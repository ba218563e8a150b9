/**
 * Work that falls due by the clock: votes and cloud sessions that reach their end, opinions the
 * committee has not answered in time. Each job does what is due at `now` and says when it next
 * has something to do; the scheduler sleeps until the earliest of those (at most `maxSleepMs`,
 * so a deadline set by another process or a moved test clock is picked up soon anyway).
 */
import type { Logger } from './log';
import * as clock from './clock';

export interface Job {
	name: string;
	/** Does what is due at `now`; returns when it next has work (null: nothing scheduled). */
	run(now: Date): Promise<Date | null>;
}

export interface Scheduler {
	/** Runs every job now (after a deadline was set or moved, or the test clock advanced). */
	runNow(): Promise<void>;
	/** Asks for a pass soon without waiting for it. */
	poke(): void;
	stop(): Promise<void>;
}

export function createScheduler(jobs: Job[], log: Logger, maxSleepMs = 30_000): Scheduler {
	let timer: NodeJS.Timeout | null = null;
	let running: Promise<void> | null = null;
	let again = false;
	let stopped = false;

	const pass = async () => {
		const now = clock.now();
		let next = now.getTime() + maxSleepMs;
		for (const job of jobs) {
			try {
				const due = await job.run(now);
				if (due) next = Math.min(next, due.getTime());
			} catch (err) {
				log.error({ err, job: job.name }, 'scheduled job failed');
			}
		}
		return next;
	};

	const runNow = (): Promise<void> => {
		if (stopped) return Promise.resolve();
		if (running) {
			// A pass is under way: run once more after it, so nothing set meanwhile is missed.
			again = true;
			return running;
		}
		if (timer) clearTimeout(timer);
		timer = null;
		running = (async () => {
			let next: number;
			do {
				again = false;
				next = await pass();
			} while (again && !stopped);
			running = null;
			if (stopped) return;
			const wait = Math.max(0, Math.min(maxSleepMs, next - clock.nowMs()));
			timer = setTimeout(() => void runNow(), wait);
			timer.unref();
		})();
		return running;
	};

	return {
		runNow,
		poke: () => void runNow(),
		async stop() {
			stopped = true;
			if (timer) clearTimeout(timer);
			await running;
		}
	};
}
