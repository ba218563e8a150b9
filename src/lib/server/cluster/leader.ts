/**
 * Background work that must happen once for the whole deployment (the deadline loop, the
 * notification fan-out, proposal checkpoints) runs on one node: the holder of a Postgres session
 * advisory lock on a connection reserved for it. When that node dies its connection closes and
 * Postgres frees the lock; another node takes it on its next try.
 *
 * Takeover bound: `retryMs` (2 s) after Postgres notices the connection is gone — at once for a
 * killed process (the kernel closes its socket), within the TCP keepalive set below (≈ 11 s)
 * when the leader's machine vanishes from the network.
 */
import { LOCKS, type HeldLock, type Store } from '../db/client';
import type { Logger } from '../log';

export interface LeaderWork {
	start(): void | Promise<void>;
	stop(): Promise<void>;
}

export interface Leadership {
	isLeader(): boolean;
	/** Resolves after the first attempt (so a single node leads before it serves). */
	ready: Promise<void>;
	stop(): Promise<void>;
}

export function lead(
	store: Pick<Store, 'tryLock'>,
	log: Logger,
	work: LeaderWork,
	retryMs = 2_000
): Leadership {
	let lock: HeldLock | null = null;
	let stopped = false;
	let busy: Promise<void> = Promise.resolve();

	const attempt = async () => {
		if (stopped) return;
		try {
			if (!lock) {
				lock = await store.tryLock(LOCKS.leader);
				if (lock) {
					log.info('leading background work on this node');
					await work.start();
				}
			} else if (!(await lock.alive())) {
				lock = null;
				log.warn('lost the background-work lease: stopping it here');
				await work.stop();
			}
		} catch (err) {
			log.debug({ err }, 'leader lease attempt failed');
		}
	};
	const ready = (busy = attempt());
	const timer = setInterval(() => {
		busy = busy.then(attempt);
	}, retryMs);
	timer.unref();

	return {
		isLeader: () => lock !== null,
		ready,
		async stop() {
			stopped = true;
			clearInterval(timer);
			await busy;
			if (lock) {
				await work.stop();
				await lock.release();
				lock = null;
			}
		}
	};
}
