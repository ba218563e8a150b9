/**
 * The one application object of a process: configuration, store, logger, the realtime layer.
 * It lives on globalThis so that the production entry (`src/server.ts`), the SvelteKit bundle
 * and Vite's dev module graph all reach the same instance (src/lib/server/ARCHITECTURE.md trap 7: PGlite opens its
 * directory from one place only).
 */
import type { Server as HttpServer } from 'node:http';
import { readConfig, type Config } from './config';
import { openStore, type Store } from './db/client';
import { createLogger, type Logger } from './log';
import { connectWriter } from './db/documents';
import { connectRedisDocBus, createLocalDocBus } from './realtime/doc-bus';
import { createDocPersistence } from './realtime/doc-persistence';
import { createLiveEvents } from './realtime/io';
import { createDocServer, type DocServer } from './realtime/ydoc';
import { attachYjs } from './realtime/yjs-endpoint';
import { SOCKET_PATH } from './realtime/io';
import { viewerFromRequest } from './realtime/handshake';
import * as accounts from './services/accounts';
import * as proposals from './services/proposals';
import * as webhooks from './services/webhooks';
import * as channels from './services/channels';
import type { Ctx, RealtimeHooks } from './services/context';
import * as opinionsService from './services/opinions';
import * as escalations from './services/escalations';
import * as sessionsService from './services/sessions';
import { createScheduler, type Job, type Scheduler } from './scheduler';
import * as transparency from './services/transparency';
import { deadlineJobs } from './services/deadlines';
import * as notifications from './services/notifications';
import * as clock from './clock';
import { CHANNELS, joinCluster, type Cluster } from './cluster';
import { lead } from './cluster/leader';
import { useRedisForLimits } from './cluster/limiter';

/** Everything that falls due by the clock. */
function dueJobs(ctx: Ctx): Job[] {
	return [
		...deadlineJobs(ctx),
		opinionsService.overdueJob(ctx),
		escalations.remindersJob(ctx),
		transparency.signingJob(ctx),
		channels.digestJob(ctx)
	];
}

export interface App {
	config: Config;
	log: Logger;
	store: Store;
	cluster: Cluster;
	ctx: Ctx;
	docs: DocServer;
	attachRealtime(server: HttpServer): void;
	shutdown(): Promise<void>;
}

const KEY = Symbol.for('yishi.app');
type Holder = { [KEY]?: Promise<App>; [key: symbol]: unknown };
const holder = globalThis as unknown as Holder;

const quiet = () => {};
const quietHooks: RealtimeHooks = {
	onlineParticipantIds: () => new Set(),
	presenceChanged: quiet,
	disconnectAuthSession: quiet,
	sessionChanged: quiet,
	queueChanged: quiet,
	voteChanged: quiet,
	tallyChanged: quiet,
	seatsChanged: quiet,
	transcriptChanged: quiet,
	participantChanged: quiet,
	sessionClosed: quiet,
	notified: quiet,
	commentsChanged: quiet,
	boardChanged: quiet,
	watchBoard: () => quiet
};

/** Starts the app once per process: store opened and migrated, first admin bootstrapped. */
export function startApp(): Promise<App> {
	holder[KEY] ??= create().catch((error: unknown) => {
		delete holder[KEY];
		throw error;
	});
	return holder[KEY];
}

/** The started app; routes run only after `init` awaited `startApp()`. */
export async function getApp(): Promise<App> {
	return startApp();
}

async function create(): Promise<App> {
	const config = readConfig();
	const log = createLogger(config.logLevel);
	// Before anything reads the time: deadlines missed "while down" run at start as they would.
	if (config.testClockAt) clock.advance(Math.max(0, config.testClockAt.getTime() - clock.nowMs()));
	// First: a node that cannot reach Redis must say so and not come up (it exits non-zero).
	const cluster = await joinCluster(config, log);
	useRedisForLimits(cluster.redis?.commands ?? null);
	const { bus } = cluster.state;
	const started = Date.now();
	const store = await openStore({
		databaseUrl: config.databaseUrl,
		dataDir: config.dataDir,
		prepare: config.databasePrepare
	});
	log.info({ store: store.kind, ms: Date.now() - started }, 'store ready');
	// Several nodes: Yjs updates and awareness cross on a Redis channel per document.
	const docBus = config.redisUrl
		? await connectRedisDocBus(config.redisUrl, log)
		: createLocalDocBus();
	const docWriter = config.databaseUrl ? connectWriter(config.databaseUrl) : null;
	const persistence = createDocPersistence({
		db: store.db,
		writeDb: docWriter?.db,
		log,
		flushMs: config.docFlushMs,
		compactEvery: config.docCompactEvery
	});
	const docs = createDocServer({ persistence, bus: docBus, log, onEdit: proposals.noteEdit });
	const ctx: Ctx = {
		db: store.db,
		docs,
		config,
		log,
		realtime: quietHooks,
		timers: { poke: quiet, runNow: async () => {} }
	};
	await accounts.bootstrap(ctx);
	const closers: (() => Promise<void>)[] = [];
	const subscriptions: Promise<() => Promise<void>>[] = [];
	// Webhooks: every node delivers, each delivery claimed by one pass (services/webhooks.ts).
	let delivering: Promise<unknown> | null = null;
	// WeCom group messages the same way (services/channels.ts).
	const deliveries = setInterval(() => {
		delivering ??= Promise.all([
			webhooks.deliverDue(ctx).catch((err: unknown) => log.error({ err }, 'webhook pass failed')),
			channels.deliverDue(ctx).catch((err: unknown) => log.error({ err }, 'wecom pass failed'))
		]).finally(() => (delivering = null));
	}, 2_000);
	deliveries.unref();

	// Once for the deployment, on the node holding the lease (cluster/leader.ts).
	let scheduler: Scheduler | null = null;
	let fanout: ReturnType<typeof notifications.createFanout> | null = null;
	let checkpoints: NodeJS.Timeout | null = null;
	const leadership = lead(store, log, {
		async start() {
			// Checkpoint proposals that have been edited for a while ("every few minutes").
			checkpoints = setInterval(
				() => void proposals.checkpointDue(ctx, config.checkpointEveryMs),
				Math.min(60_000, config.checkpointEveryMs)
			);
			checkpoints.unref();
			// Committed notifications go to room sockets and Web Push; positioned before the
			// scheduler's first pass, so what that pass reports is sent too.
			fanout = notifications.createFanout(ctx);
			await fanout.run();
			// Deadlines: votes and cloud sessions that end, opinions overdue.
			scheduler = createScheduler(dueJobs(ctx), log);
			scheduler.poke();
		},
		async stop() {
			if (checkpoints) clearInterval(checkpoints);
			await scheduler?.stop();
			await fanout?.stop();
			scheduler = fanout = checkpoints = null;
		}
	});
	ctx.timers = {
		// A deadline set on another node reaches the leader's loop at once.
		poke() {
			if (scheduler) scheduler.poke();
			else bus.publish(CHANNELS.timers, '');
		},
		// Awaited work (the test clock): the jobs' row locks make a pass safe on any node.
		async runNow() {
			if (scheduler) return scheduler.runNow();
			const once = createScheduler(dueJobs(ctx), log);
			await once.runNow();
			await once.stop();
		}
	};
	subscriptions.push(bus.subscribe(CHANNELS.timers, () => scheduler?.poke()));
	// The test clock moves on every node at once.
	if (config.testClock) {
		const offAdvance = clock.onAdvance((offsetMs) =>
			bus.publish(CHANNELS.clock, JSON.stringify({ offsetMs }))
		);
		subscriptions.push(
			bus.subscribe(CHANNELS.clock, (message) => {
				const { offsetMs } = JSON.parse(new TextDecoder().decode(message)) as {
					offsetMs: number;
				};
				if (clock.catchUp(offsetMs)) scheduler?.poke();
			})
		);
		closers.push(async () => void offAdvance());
	}
	await leadership.ready;
	closers.push(async () => {
		clearInterval(deliveries);
		await delivering;
		await leadership.stop();
		for (const unsubscribe of await Promise.all(subscriptions)) await unsubscribe();
	});

	return {
		config,
		log,
		store,
		cluster,
		ctx,
		docs,
		attachRealtime(server) {
			const live = createLiveEvents(
				{ db: store.db, docs, config, log, timers: ctx.timers },
				cluster
			);
			ctx.realtime = live.hooks;
			const yjs = attachYjs(server, {
				docServer: docs,
				origin: config.origin,
				log,
				authorize: async (req, docName) =>
					sessionsService.documentAccess(ctx, await viewerFromRequest(store.db, req), docName)
			});
			// Route /socket.io/ before the app's own request listeners (SvelteKit or Vite).
			const previous = server.listeners('request') as ((...args: unknown[]) => void)[];
			server.removeAllListeners('request');
			server.on('request', (req, res) => {
				if (req.url?.startsWith(SOCKET_PATH)) return live.handleRequest(req, res);
				for (const listener of previous) listener.call(server, req, res);
			});
			server.on('upgrade', (req, socket, head) => {
				if (req.url?.startsWith(SOCKET_PATH)) live.handleUpgrade(req, socket, head);
			});
			// Logout ends the device's document sockets as well as its socket.io ones.
			const participantChanged = live.hooks.participantChanged;
			// Document sockets are per node: other nodes are told over the bus.
			const closeAuth = (authSessionId: string) => {
				yjs.closeAuthSession(authSessionId);
				bus.publish(CHANNELS.authEnded, authSessionId);
			};
			const closeDocs = (docNames: string[]) => {
				for (const name of docNames) docs.disconnect(name, 4003, 'session closed');
			};
			const decoder = new TextDecoder();
			const linked = [
				bus.subscribe(CHANNELS.authEnded, (m) => yjs.closeAuthSession(decoder.decode(m))),
				bus.subscribe(CHANNELS.sessionClosed, (m) =>
					closeDocs(JSON.parse(decoder.decode(m)) as string[])
				)
			];
			live.hooks.participantChanged = (sessionId, participantId, authSessionId) => {
				participantChanged(sessionId, participantId, authSessionId);
				if (authSessionId) closeAuth(authSessionId);
			};
			const markClosed = live.hooks.sessionClosed;
			live.hooks.sessionClosed = (sessionId, docNames) => {
				markClosed(sessionId, docNames);
				// Editors reconnect and are authorized again: read-only from now on.
				closeDocs(docNames);
				bus.publish(CHANNELS.sessionClosed, JSON.stringify(docNames));
			};
			const disconnectSockets = live.hooks.disconnectAuthSession;
			live.hooks.disconnectAuthSession = (authSessionId) => {
				disconnectSockets(authSessionId);
				closeAuth(authSessionId);
			};
			closers.push(
				() => live.close(),
				() => yjs.close(),
				async () => {
					for (const unsubscribe of await Promise.all(linked)) await unsubscribe();
				}
			);
		},
		async shutdown() {
			for (const close of closers)
				await close().catch((err: unknown) => log.error({ err }, 'close failed'));
			await docs.close();
			await persistence.close();
			await docBus.close();
			await docWriter?.close();
			await store.close();
			await cluster.close();
			log.info('stopped');
		}
	};
}
