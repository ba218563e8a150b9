import { parse as parseCookie } from 'cookie';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Db } from '../db/client';
import { SESSION_COOKIE, validateSessionToken } from '../auth/session';
import type { Viewer } from '../services/context';

/**
 * Cross-site WebSocket hijacking is stopped by the Origin check (RFC 6455 §10.2): browsers
 * always send Origin on upgrades and cross-origin requests. A same-origin XHR GET (socket.io
 * polling) may omit it; Sec-Fetch-Site then tells that it came from our own pages.
 */
export function originAllowed(req: IncomingMessage, origin: string, upgrade: boolean): boolean {
	const sent = req.headers.origin;
	if (sent !== undefined) return sent === origin;
	if (upgrade) return false;
	return req.headers['sec-fetch-site'] === 'same-origin';
}

/** The viewer a request's session cookie names; `authSessionId` null when none is valid. */
export async function viewerFromRequest(db: Db, req: IncomingMessage): Promise<Viewer> {
	const header = req.headers.cookie;
	const token = header ? parseCookie(header)[SESSION_COOKIE] : undefined;
	if (!token) return { authSessionId: null, user: null };
	const { session, user } = await validateSessionToken(db, token);
	return session ? { authSessionId: session.id, user } : { authSessionId: null, user: null };
}

const REASONS: Record<number, string> = {
	400: 'Bad Request',
	401: 'Unauthorized',
	403: 'Forbidden',
	404: 'Not Found',
	503: 'Service Unavailable'
};

/** Answers a refused upgrade with a plain HTTP response, then closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, code: string): void {
	if (socket.destroyed) return;
	const body = JSON.stringify({ error: { code, message: REASONS[status] ?? 'refused' } });
	socket.end(
		`HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\n` +
			'Connection: close\r\nContent-Type: application/json\r\n' +
			`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
	);
}
