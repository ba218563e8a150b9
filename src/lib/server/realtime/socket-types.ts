/**
 * The typed socket.io server and socket, apart from `io.ts` so the broadcast modules it wires
 * can name the server type without importing the module that creates them.
 */
import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '$lib/protocol';
import type { Viewer } from '../services/context';

export interface SocketData {
	viewer: Viewer;
	/** sessionId → participantId for the rooms this socket joined (plain: it survives recovery). */
	rooms: Record<string, string>;
	/** The room that hands and ballots of this socket go to: the one joined last. */
	current: { sessionId: string; participantId: string } | null;
	/** The community whose board this socket follows (one at a time), if any. */
	board: string | null;
}
export type IoServer = Server<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;
export type IoSocket = Socket<
	ClientToServerEvents,
	ServerToClientEvents,
	Record<string, never>,
	SocketData
>;
