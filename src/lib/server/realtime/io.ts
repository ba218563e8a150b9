import { Server as Engine } from 'engine.io';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { Server } from 'socket.io';
import * as v from 'valibot';
import { inboundSchemas, MAX_SOCKET_MESSAGE_BYTES, type Ack } from '$lib/protocol';
import type { Ctx, RealtimeHooks, Viewer } from '../services/context';
import { ServiceError } from '../services/errors';
import { findBadInput } from '../domain/input-guard';
import { isStoreUnavailable, STORE_UNAVAILABLE } from '../db/availability';
import * as participants from '../db/participants';
import * as realtimeSessions from '../db/realtime-sessions';
import * as opinionsService from '../services/opinions';
import * as queueService from '../services/queue';
import { actorOf, record } from '../services/transcript';
import * as sessionsService from '../services/sessions';
import * as votesService from '../services/votes';
import { createBroadcasts } from './broadcasts';
import { createBoardBroadcasts } from './board-broadcasts';
import { createCommentBroadcasts } from './comment-broadcasts';
import { boardRoom, deviceRoom, fullPresenceRoom, participantRoom, roomOf } from './rooms';
import { originAllowed, refuseUpgrade, viewerFromRequest } from './handshake';
import { ackJsonParser } from './parser';
import type { IoServer, IoSocket } from './socket-types';
import type { Cluster } from '../cluster';
import { attachAdapter, closeTransports, linkNodes } from '../cluster/live';
import { roomState } from '../services/room-state';

export const SOCKET_PATH = '/socket.io/';

export interface LiveEvents {
	hooks: RealtimeHooks;
	handleRequest(req: IncomingMessage, res: ServerResponse): void;
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
	close(): Promise<void>;
}

/**
 * socket.io bound to its own engine.io server, so the handshake is checked before engine.io
 * sees it: a foreign Origin gets 403 and a missing or stale session cookie 401 (REFERENCE.md §3),
 * which engine.io's own `allowRequest` cannot tell apart.
 */
export function createLiveEvents(
	ctxWithoutRealtime: Omit<Ctx, 'realtime'>,
	cluster: Cluster
): LiveEvents {
	const presence = cluster.state.presence;
	const viewers = new WeakMap<IncomingMessage, Viewer>();
	const engine = new Engine({
		maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
		pingInterval: 15_000,
		pingTimeout: 10_000,
		transports: ['polling', 'websocket']
	});
	const io: IoServer = new Server({
		serveClient: false,
		maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
		parser: ackJsonParser,
		// Several nodes: a client that lost its transport (its node restarting or dying) gets the
		// packets it missed on whichever node it reaches, through the Redis Streams adapter. One
		// node alone keeps today's behaviour (its restart loses an in-memory session anyway).
		...(cluster.redis
			? {
					connectionStateRecovery: {
						maxDisconnectionDuration: 2 * 60_000,
						skipMiddlewares: true
					}
				}
			: {})
	});
	attachAdapter(io, cluster, ctxWithoutRealtime.log);
	io.bind(engine);

	const hooks = {} as RealtimeHooks;
	const ctx: Ctx = { ...ctxWithoutRealtime, realtime: hooks };
	const broadcasts = createBroadcasts(ctx, io, presence);
	const commentsOut = createCommentBroadcasts(io);
	const boardOut = createBoardBroadcasts(io, cluster.state.bus, ctxWithoutRealtime.log);
	Object.assign(hooks, broadcasts.hooks, commentsOut.hooks, boardOut.hooks, {
		disconnectAuthSession(authSessionId: string) {
			io.to(deviceRoom(authSessionId)).emit('session:ended', { reason: 'logout' });
			io.in(deviceRoom(authSessionId)).disconnectSockets(true);
		},
		notified(notice) {
			if (notice.participantId)
				io.to(participantRoom(notice.participantId)).emit('notification', notice.item);
			else if (notice.audience === 'session' && notice.sessionId)
				io.to(roomOf(notice.sessionId)).emit('notification', notice.item);
		}
	} satisfies Partial<RealtimeHooks>);

	/** New handshakes (no `sid` yet) must carry our Origin and a valid session. */
	async function admit(req: IncomingMessage, upgrade: boolean): Promise<number | null> {
		if (!originAllowed(req, ctx.config.origin, upgrade)) return 403;
		const sid = new URL(req.url ?? '/', 'http://x').searchParams.get('sid');
		if (sid) return null;
		const viewer = await viewerFromRequest(ctx.db, req);
		if (!viewer.authSessionId) return 401;
		viewers.set(req, viewer);
		return null;
	}

	const limiter = new RateLimiterMemory({ keyPrefix: 'socket', points: 30, duration: 1 });

	/** Comings and goings are part of the record ("joins/leaves"). */
	function recordPresence(
		sessionId: string,
		participant: participants.Participant,
		type: 'participant_online' | 'participant_offline'
	) {
		ctx.db
			.transaction(async (tx) => {
				// A closed session's record is final: reading it later adds nothing.
				if ((await realtimeSessions.statusOf(tx, sessionId)) !== 'open') return;
				await record(tx, sessionId, type, actorOf(participant), { participantId: participant.id });
			})
			.then(() => hooks.transcriptChanged(sessionId))
			.catch((error: unknown) => ctx.log.error({ err: error, sessionId }, 'presence entry failed'));
	}

	/** The participant a socket speaks for, re-read on every event (rule 1: roles from the db). */
	async function current(socket: IoSocket) {
		const joined = socket.data.current;
		if (!joined) throw new ServiceError(409, 'not_joined', 'send session:join first');
		const participant = await participants.findById(ctx.db, joined.participantId);
		if (!participant || participant.sessionId !== joined.sessionId) {
			throw new ServiceError(403, 'forbidden', 'no longer a member of this session');
		}
		return { sessionId: joined.sessionId, participant };
	}

	/** Counts a socket in a room's presence; records and broadcasts a participant coming online. */
	async function arrive(sessionId: string, participant: participants.Participant) {
		if (await presence.join(sessionId, participant.id)) {
			broadcasts.onlineChanged(sessionId, participant.id);
			recordPresence(sessionId, participant, 'participant_online');
		}
	}

	io.on('connection', (socket: IoSocket) => {
		const viewer = viewers.get(socket.request) ?? { authSessionId: null, user: null };
		const restored = socket.recovered ? socket.data : null;
		socket.data = {
			viewer,
			rooms: {},
			current: restored?.current ?? null,
			board: restored?.board ?? null
		};
		if (viewer.authSessionId) void socket.join(deviceRoom(viewer.authSessionId));
		// Recovered (its rooms came back with it): counted present again, as a join would.
		for (const [sessionId, participantId] of Object.entries(restored?.rooms ?? {})) {
			socket.data.rooms[sessionId] = participantId;
			void participants
				.findById(ctx.db, participantId)
				.then((p) => (p ? arrive(sessionId, p) : undefined))
				.catch((err: unknown) => ctx.log.error({ err }, 'presence after recovery failed'));
		}

		socket.on('session:join', (payload, ack) =>
			handle(socket, 'session:join', payload, ack, async (input) => {
				const { session, participant } = await sessionsService.enterRoom(
					ctx,
					viewer,
					input.sessionId
				);
				const rooms = [roomOf(session.id), participantRoom(participant.id)];
				if (input.presence === 'delta') socket.leave(fullPresenceRoom(session.id));
				else rooms.push(fullPresenceRoom(session.id));
				await socket.join(rooms);
				socket.data.current = { sessionId: session.id, participantId: participant.id };
				broadcasts.joined(session.id, participant);
				if (socket.data.rooms[session.id] === undefined) {
					socket.data.rooms[session.id] = participant.id;
					await arrive(session.id, participant);
				}
				return { state: await roomState(ctx, session, participant) };
			})
		);

		socket.on('hand:raise', (payload, ack) =>
			handle(socket, 'hand:raise', payload, ack, async (input) => {
				const { sessionId, participant } = await current(socket);
				await queueService.raise(ctx, sessionId, participant, input.kind);
				return {};
			})
		);

		socket.on('hand:lower', (payload, ack) =>
			handle(socket, 'hand:lower', payload ?? {}, ack, async () => {
				const { sessionId, participant } = await current(socket);
				await queueService.lower(ctx, sessionId, participant, actorOf(participant));
				return {};
			})
		);

		socket.on('ballot:cast', (payload, ack) =>
			handle(socket, 'ballot:cast', payload, ack, async (input) => {
				const joined = socket.data.current;
				if (!joined) throw new ServiceError(409, 'not_joined', 'send session:join first');
				// The ack: how many seats were voted, and the receipt the voter keeps.
				const { seats, receipt } = await votesService.castAs(
					ctx,
					joined,
					() => current(socket),
					input.voteId,
					input.choice,
					input.householdId
				);
				return { seats, receipt };
			})
		);

		socket.on('board:watch', (payload, ack) =>
			handle(socket, 'board:watch', payload, ack, async (input) => {
				const { communityId } = await opinionsService.watch(ctx, input.communityId);
				// One board per socket: following another leaves the first.
				const before = socket.data.board;
				if (before && before !== communityId) await socket.leave(boardRoom(before));
				await socket.join(boardRoom(communityId));
				socket.data.board = communityId;
				return {};
			})
		);

		socket.on('disconnect', () => {
			for (const [sessionId, participantId] of Object.entries(socket.data.rooms))
				void depart(sessionId, participantId);
			socket.data.rooms = {};
		});
	});

	/** A socket left a room: records and broadcasts the participant going offline. */
	async function depart(sessionId: string, participantId: string, counted = true) {
		try {
			if (counted && !(await presence.leave(sessionId, participantId))) return;
			broadcasts.onlineChanged(sessionId, participantId);
			const p = await participants.findById(ctx.db, participantId);
			if (p) recordPresence(sessionId, p, 'participant_offline');
		} catch (err) {
			ctx.log.error({ err, sessionId }, 'presence departure failed');
		}
	}

	const unlink = linkNodes({ io, cluster, ctx, hooks, broadcasts, depart });

	/** Validates, rate-limits and answers one inbound event; errors become `{ok:false}` acks. */
	async function handle<E extends keyof typeof inboundSchemas, R extends object>(
		socket: IoSocket,
		event: E,
		payload: unknown,
		ack: unknown,
		run: (input: v.InferOutput<(typeof inboundSchemas)[E]>) => Promise<R>
	) {
		const reply = (typeof ack === 'function' ? ack : () => {}) as (answer: Ack<R>) => void;
		try {
			await limiter.consume(socket.id);
		} catch {
			return reply({ ok: false, error: { code: 'rate_limited', message: 'slow down' } });
		}
		// The same guard every HTTP body passes (src/lib/server/services/errors.ts): NUL, lone
		// surrogates, huge numbers, prototype keys and deep nesting are refused before a schema.
		const bad = findBadInput(payload);
		if (bad) return reply({ ok: false, error: { code: bad.code, message: bad.message } });
		const parsed = v.safeParse(inboundSchemas[event], payload);
		if (!parsed.success) {
			return reply({
				ok: false,
				error: { code: 'invalid_payload', message: parsed.issues[0]?.message ?? 'invalid' }
			});
		}
		try {
			reply({ ok: true, ...(await run(parsed.output)) });
		} catch (error) {
			if (error instanceof ServiceError) {
				return reply({ ok: false, error: { code: error.code, message: error.message } });
			}
			if (isStoreUnavailable(error)) {
				const { code, message } = STORE_UNAVAILABLE;
				return reply({ ok: false, error: { code, message } });
			}
			ctx.log.error({ err: error, event }, 'socket event failed');
			reply({ ok: false, error: { code: 'internal_error', message: 'something went wrong' } });
		}
	}

	return {
		hooks,
		handleRequest(req, res) {
			admit(req, false).then(
				(status) => {
					if (status === null) return engine.handleRequest(req, res);
					res.writeHead(status, { 'content-type': 'application/json' });
					res.end(
						JSON.stringify({
							error:
								status === 403
									? { code: 'forbidden_origin', message: 'origin not allowed' }
									: { code: 'unauthorized', message: 'sign in first' }
						})
					);
				},
				(error: unknown) => {
					ctx.log.error({ err: error }, 'socket.io handshake failed');
					res.writeHead(503).end();
				}
			);
		},
		handleUpgrade(req, socket, head) {
			admit(req, true).then(
				(status) => {
					if (status === null) return engine.handleUpgrade(req, socket, head);
					refuseUpgrade(socket, status, status === 403 ? 'forbidden_origin' : 'unauthorized');
				},
				(error: unknown) => {
					ctx.log.error({ err: error }, 'socket.io upgrade failed');
					refuseUpgrade(socket, 503, 'unavailable');
				}
			);
		},
		async close() {
			broadcasts.stop();
			commentsOut.stop();
			await boardOut
				.stop()
				.catch((err: unknown) => ctx.log.warn({ err }, 'board bus unsubscribe failed'));
			await unlink();
			// Not disconnectSockets(): a client told "io server disconnect" never retries, while one
			// that loses its transport reconnects by itself (through the proxy, to a live node).
			closeTransports(io);
			// Stops the adapter's stream reader (a no-op for the in-memory adapter).
			await io.of('/').adapter.close();
			await new Promise<void>((resolve) => {
				engine.close();
				resolve();
			});
		}
	};
}
