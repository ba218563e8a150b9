import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { DocServer } from './ydoc';

export type AuthorizeResult =
	/** `authSessionId`: the device's auth session, so a logout can close its sockets. */
	| { ok: true; canWrite: boolean; authSessionId?: string; author?: string }
	| { ok: false; status: 401 | 403 | 404 };
export type Authorize = (req: IncomingMessage, docName: string) => Promise<AuthorizeResult>;

export interface YjsEndpointOptions {
	docServer: DocServer;
	/** The exact Origin a browser upgrade must carry (REFERENCE.md §3); anything else gets 403. */
	origin: string;
	authorize: Authorize;
	log: Logger;
}

export interface YjsEndpoint {
	/** Closes every document socket opened with this auth session (logout, REFERENCE.md §2). */
	closeAuthSession(authSessionId: string): void;
	close(): Promise<void>;
}

const PREFIX = '/yjs/';
const MAX_DOC_NAME = 128;
/** REFERENCE.md §3: frames over 1 MiB close the socket; ws does it itself, with 1009. */
export const MAX_PAYLOAD = 1024 * 1024;

/** The doc name of a `/yjs/<docName>` URL; null if the path is not ours, '' if ours but invalid. */
export function parseDocPath(url: string | undefined): string | null {
	const path = (url ?? '').split('?', 1)[0] ?? '';
	if (!path.startsWith(PREFIX)) return null;
	let name: string;
	try {
		name = decodeURIComponent(path.slice(PREFIX.length));
	} catch {
		return '';
	}
	// eslint-disable-next-line no-control-regex
	if (name.length > MAX_DOC_NAME || name.includes('/') || /[\u0000-\u001f]/.test(name)) return '';
	return name;
}

/** Refuses an upgrade with a plain HTTP response, as ws's own abortHandshake does. */
function refuse(socket: Duplex, status: number) {
	if (socket.destroyed) return;
	const body = STATUS_CODES[status] ?? 'Error';
	socket.once('finish', () => socket.destroy());
	socket.end(
		`HTTP/1.1 ${status} ${body}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
			`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
	);
}

/**
 * Serves `/yjs/<docName>` upgrades on a shared http server. Other upgrade paths (socket.io,
 * Vite HMR) are left alone for their own listeners: we neither answer nor destroy them.
 */
export function attachYjs(httpServer: Server, options: YjsEndpointOptions): YjsEndpoint {
	const { docServer, origin, authorize, log } = options;
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: MAX_PAYLOAD,
		clientTracking: false
	});
	let closed = false;
	const byAuthSession = new Map<string, Set<WebSocket>>();

	const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const docName = parseDocPath(req.url);
		if (docName === null) return;
		// A client that disconnects during the async auth would otherwise emit an unhandled
		// 'error' on the raw socket and crash the process.
		socket.on('error', (error) => log.debug({ err: error }, 'yjs upgrade socket error'));
		void handle(req, socket, head, docName).catch((error: unknown) => {
			log.error({ err: error, docName }, 'yjs upgrade failed');
			refuse(socket, 500);
		});
	};

	const handle = async (req: IncomingMessage, socket: Duplex, head: Buffer, docName: string) => {
		if (closed) return refuse(socket, 503);
		if (req.headers.origin !== origin) {
			log.warn({ origin: req.headers.origin, docName }, 'yjs upgrade from a foreign origin');
			return refuse(socket, 403);
		}
		if (docName === '') return refuse(socket, 404);
		const access = await authorize(req, docName);
		if (!access.ok) return refuse(socket, access.status);
		if (socket.destroyed) return;
		if (closed) return refuse(socket, 503);
		wss.handleUpgrade(req, socket, head, (ws) => {
			const key = access.authSessionId;
			if (key) {
				let set = byAuthSession.get(key);
				if (!set) byAuthSession.set(key, (set = new Set()));
				set.add(ws);
				ws.once('close', () => {
					set.delete(ws);
					if (set.size === 0) byAuthSession.delete(key);
				});
			}
			docServer.accept(ws, docName, { canWrite: access.canWrite, author: access.author });
		});
	};

	httpServer.on('upgrade', onUpgrade);

	return {
		closeAuthSession(authSessionId) {
			for (const ws of byAuthSession.get(authSessionId) ?? []) ws.close(4401, 'signed out');
		},
		close() {
			closed = true;
			httpServer.off('upgrade', onUpgrade);
			// Open sockets belong to the doc server (closed by docServer.close()).
			return new Promise<void>((resolve) => wss.close(() => resolve()));
		}
	};
}
