/**
 * Production entry: one http.Server serves the SvelteKit handler (adapter-node), socket.io at
 * /socket.io and the y-websocket protocol at /yjs/<docName> on one port (ARCHITECTURE.md).
 * Compiled to build/server.js by `npm run build`; Node 20 does not run TypeScript.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Handler = (req: IncomingMessage, res: ServerResponse, next?: () => void) => void;
interface App {
	config: { host: string };
	log: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
	attachRealtime(server: ReturnType<typeof createServer>): void;
	shutdown(): Promise<void>;
}

let handler: Handler | null = null;
const server = createServer((req, res) => {
	if (handler) return handler(req, res);
	res.writeHead(503, { 'content-type': 'application/json', 'retry-after': '1' });
	res.end('{"error":{"code":"starting","message":"Yishi is starting"}}');
});

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || '0.0.0.0';
await new Promise<void>((resolve) => server.listen(port, host, resolve));
const actualPort = (server.address() as AddressInfo).port;
// ORIGIN defaults to http://localhost:$PORT (REFERENCE.md §1); with PORT=0 that is the port given.
process.env.PORT = String(actualPort);
process.env.ORIGIN ||= `http://localhost:${actualPort}`;

// Photos (opinions, milestones) may be up to 3 MB; adapter-node's default body limit is 512 KB.
process.env.BODY_SIZE_LIMIT ||= '4M';

// Importing the handler runs SvelteKit's `init` hook, which starts the app (store, migrations).
const handlerPath = './handler.js';
handler = ((await import(handlerPath)) as { handler: Handler }).handler;
const app = await (globalThis as unknown as Record<symbol, Promise<App>>)[Symbol.for('yishi.app')]!;
app.attachRealtime(server);
app.log.info({ port: actualPort, origin: process.env.ORIGIN }, 'listening');

let stopping = false;
async function stop(signal: string) {
	if (stopping) return;
	stopping = true;
	app.log.info({ signal }, 'shutting down');
	server.close();
	server.closeAllConnections();
	try {
		await app.shutdown();
		process.exit(0);
	} catch (error) {
		app.log.error({ err: error }, 'shutdown failed');
		process.exit(1);
	}
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
