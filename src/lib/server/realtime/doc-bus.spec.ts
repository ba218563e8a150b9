import pino from 'pino';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
	createLocalDocBusHub,
	createRedisDocBus,
	type DocBus,
	type DocBusListener
} from './doc-bus';
import { redisServerAvailable, startPrivateRedis, type PrivateRedis } from './test-redis';

const log = pino({ level: 'silent' });

/** Two buses (two nodes) on one medium, and a way to cut the medium and bring it back. */
interface BusPair {
	a: DocBus;
	b: DocBus;
	/** Cuts both off, then reconnects them; resolves once both are connected again. */
	outage(whileDown?: () => void | Promise<void>): Promise<void>;
	dispose(): Promise<void>;
}

/** Resolves with the next message `listener`-style subscribers get. */
function inbox() {
	const got: Uint8Array[] = [];
	let wake: (() => void) | null = null;
	const listener: DocBusListener = (m) => {
		got.push(m);
		wake?.();
	};
	const next = async (count = 1) => {
		while (got.length < count) await new Promise<void>((r) => (wake = r));
		return got.slice(0, count);
	};
	return { got, listener, next };
}

/** ONE contract, every implementation (ARCHITECTURE rule 5). */
export function registerDocBusContract(name: string, open: () => Promise<BusPair>) {
	describe(`doc bus contract: ${name}`, () => {
		let pair: BusPair;
		beforeAll(async () => {
			pair = await open();
		});
		afterAll(async () => {
			await pair?.dispose();
		});

		it('[BUS-1] delivers to the other bus once subscribed, byte for byte, never back to the sender', async () => {
			const onB = inbox();
			const onA = inbox();
			await pair.b.subscribe('doc-1', onB.listener);
			await pair.a.subscribe('doc-1', onA.listener);
			const all = new Uint8Array(256).map((_, i) => i);
			// Right after subscribe resolved: the subscribe-before-load guarantee.
			pair.a.publish('doc-1', all);
			pair.a.publish('doc-1', new Uint8Array([7]));
			const [first, second] = await onB.next(2);
			expect(Array.from(first!)).toEqual(Array.from(all));
			expect(Array.from(second!)).toEqual([7]);
			pair.b.publish('doc-1', new Uint8Array([9]));
			expect(Array.from((await onA.next())[0]!)).toEqual([9]);
			expect(onA.got).toHaveLength(1); // a heard b's message, not its own two
		});

		it('[BUS-2] keeps documents apart and stops delivering after unsubscribe', async () => {
			const other = inbox();
			const first = inbox();
			const second = inbox();
			await pair.b.subscribe('doc-other', other.listener);
			const stopFirst = await pair.b.subscribe('doc-2', first.listener);
			await pair.b.subscribe('doc-2', second.listener);
			pair.a.publish('doc-2', new Uint8Array([1]));
			await Promise.all([first.next(), second.next()]);
			await stopFirst();
			pair.a.publish('doc-2', new Uint8Array([2]));
			await second.next(2);
			expect(first.got).toHaveLength(1);
			expect(other.got).toHaveLength(0);
		});

		it('[BUS-3] after an outage, says it reconnected and delivers again from that moment', async () => {
			const box = inbox();
			await pair.b.subscribe('doc-3', box.listener);
			let reconnects = 0;
			const stop = pair.b.onReconnect(() => reconnects++);
			await pair.outage(() => {
				expect(pair.a.connected() && pair.b.connected()).toBe(false);
				pair.a.publish('doc-3', new Uint8Array([0])); // dropped, never thrown
			});
			expect(reconnects).toBe(1);
			expect(pair.b.connected()).toBe(true);
			// From the reconnect event on: the catch-up request a doc server sends then arrives.
			pair.a.publish('doc-3', new Uint8Array([42]));
			await box.next();
			expect(Array.from(box.got.at(-1)!)).toEqual([42]);
			stop();
		});
	});
}

registerDocBusContract('in-process', async () => {
	const hub = createLocalDocBusHub();
	const a = hub.bus();
	const b = hub.bus();
	return {
		a,
		b,
		async outage(whileDown) {
			hub.outage(true);
			await whileDown?.();
			hub.outage(false);
		},
		dispose: async () => void (await Promise.all([a.close(), b.close()]))
	};
});

if (redisServerAvailable('doc bus contract: redis')) {
	let redis: PrivateRedis;
	const clients: ReturnType<typeof createClient>[] = [];
	const connect = async () => {
		const client = createClient({
			url: redis.url,
			socket: { reconnectStrategy: () => 50 }
		});
		client.on('error', () => {});
		clients.push(client);
		await client.connect();
		return client;
	};
	registerDocBusContract('redis', async () => {
		redis = await startPrivateRedis();
		const node = async () => {
			const [publisher, subscriber] = [await connect(), await connect()];
			return { publisher, subscriber, bus: createRedisDocBus({ publisher, subscriber, log }) };
		};
		const [na, nb] = [await node(), await node()];
		return {
			a: na.bus,
			b: nb.bus,
			async outage(whileDown) {
				const reconnected = Promise.all(
					[na, nb].map((n) => new Promise<void>((resolve) => n.bus.onReconnect(resolve)))
				);
				await redis.stop();
				await whileDown?.();
				await redis.start();
				await reconnected;
			},
			async dispose() {
				await Promise.all([na.bus.close(), nb.bus.close()]);
				for (const client of clients) client.destroy();
				await redis.stop();
			}
		};
	});
}
