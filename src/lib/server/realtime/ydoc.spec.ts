import * as encoding from 'lib0/encoding';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket, WebSocketServer, type ClientOptions } from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Store } from '../db/client';
import * as documents from '../db/documents';
import { storeFactories, type OpenedStore } from '../db/test-stores';
import { createDocPersistence, type DocPersistence } from './doc-persistence';
import { createDocServer, type DocServer } from './ydoc';
import { attachYjs, type YjsEndpoint } from './yjs-endpoint';

const ORIGIN = 'http://yishi.test';
const log = pino({ level: 'silent' });

/** What the browser would send: ws lets a Node client set the Origin header. */
class OriginWebSocket extends WebSocket {
	constructor(url: string, protocols?: string | string[], options: ClientOptions = {}) {
		super(url, protocols, { ...options, headers: { Origin: ORIGIN, ...options.headers } });
	}
}

interface Harness {
	http: Server;
	url: string;
	persistence: DocPersistence;
	docServer: DocServer;
	endpoint: YjsEndpoint;
	load: ReturnType<typeof vi.fn>;
	stop(): Promise<void>;
}

/** Test-only authorize: `?as=observer|deny|forbid`, anything else may write. */
async function authorize(req: { url?: string }) {
	const as = new URL(req.url ?? '/', 'http://x').searchParams.get('as');
	if (as === 'deny') return { ok: false as const, status: 401 as const };
	if (as === 'forbid') return { ok: false as const, status: 403 as const };
	return { ok: true as const, canWrite: as !== 'observer' };
}

async function startHarness(store: Store): Promise<Harness> {
	const persistence = createDocPersistence({ db: store.db, log, flushMs: 10, compactEvery: 50 });
	// Counts loads to prove concurrent first opens share one.
	const load = vi.fn(persistence.load);
	const counted: DocPersistence = { ...persistence, load };
	const docServer = createDocServer({
		persistence: counted,
		log,
		unloadDelayMs: 100,
		pingIntervalMs: 100
	});
	const http = createServer((_req, res) => res.end('ok'));
	const endpoint = attachYjs(http, { docServer, origin: ORIGIN, authorize, log });
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	return {
		http,
		url: `ws://127.0.0.1:${port}/yjs`,
		persistence: counted,
		docServer,
		endpoint,
		load,
		async stop() {
			await endpoint.close();
			await docServer.close();
			await persistence.close();
			http.closeAllConnections();
			await new Promise<void>((resolve) => http.close(() => resolve()));
		}
	};
}

const providers: WebsocketProvider[] = [];
afterEach(() => {
	for (const p of providers.splice(0)) p.destroy();
});

function connect(h: Harness, docName: string, as = 'editor') {
	const doc = new Y.Doc();
	const provider = new WebsocketProvider(h.url, docName, doc, {
		params: { as },
		// src/lib/server/ARCHITECTURE.md trap 4: without this, providers in one process sync over BroadcastChannel.
		disableBc: true,
		WebSocketPolyfill: OriginWebSocket as unknown as typeof globalThis.WebSocket
	});
	providers.push(provider);
	return { doc, provider, fragment: doc.getXmlFragment('prosemirror') };
}

async function synced(provider: WebsocketProvider) {
	if (provider.synced) return;
	await new Promise<void>((resolve) => provider.once('sync', () => resolve()));
}

async function waitFor(check: () => boolean, ms = 3_000) {
	const until = Date.now() + ms;
	while (!check()) {
		if (Date.now() > until) throw new Error('timed out waiting for condition');
		await new Promise((r) => setTimeout(r, 5));
	}
}

/**
 * Sends sync step 1 on the provider's socket and resolves on the step 2 answer. Frames on one
 * socket are handled in order, so everything sent before it has been processed (and anything
 * broadcast before it has arrived).
 */
async function roundTrip(provider: WebsocketProvider) {
	const ws = provider.ws as unknown as WebSocket;
	const answered = new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error('no sync step 2 answer')), 3_000);
		// The provider sets binaryType 'arraybuffer'.
		const onMessage = (data: ArrayBuffer | Buffer) => {
			const bytes = new Uint8Array(data);
			if (bytes[0] === 0 && bytes[1] === syncProtocol.messageYjsSyncStep2) {
				ws.off('message', onMessage);
				clearTimeout(timer);
				resolve();
			}
		};
		ws.on('message', onMessage);
	});
	const encoder = encoding.createEncoder();
	encoding.writeVarUint(encoder, 0);
	syncProtocol.writeSyncStep1(encoder, provider.doc);
	ws.send(encoding.toUint8Array(encoder));
	await answered;
}

function paragraph(text: string) {
	const p = new Y.XmlElement('paragraph');
	p.insert(0, [new Y.XmlText(text)]);
	return p;
}

function rawClient(url: string, headers: Record<string, string> = { Origin: ORIGIN }) {
	const ws = new WebSocket(url, { headers });
	ws.on('error', () => {});
	return ws;
}

const closeCode = (ws: WebSocket) =>
	new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));

const upgradeStatus = (ws: WebSocket) =>
	new Promise<number>((resolve, reject) => {
		ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
		ws.on('open', () => reject(new Error('upgrade was accepted')));
	});

describe('y-websocket document server', () => {
	let opened: OpenedStore;
	let h: Harness;

	beforeAll(async () => {
		opened = await storeFactories()[0]!.open(); // PGlite in memory
		h = await startHarness(opened.store);
	});
	afterAll(async () => {
		await h?.stop();
		await opened?.dispose();
	});

	it('converges two providers on the prosemirror XmlFragment, both ways', async () => {
		const a = connect(h, 'converge');
		const b = connect(h, 'converge');
		await Promise.all([synced(a.provider), synced(b.provider)]);
		a.fragment.insert(0, [paragraph('hello')]);
		await waitFor(() => b.fragment.toString().includes('hello'));
		b.fragment.insert(1, [paragraph('world')]);
		await waitFor(() => a.fragment.length === 2);
		expect(a.fragment.toString()).toBe(b.fragment.toString());
	});

	it('loads a document once for concurrent first opens', async () => {
		const before = h.load.mock.calls.filter(([name]) => name === 'dedupe').length;
		const clients = [connect(h, 'dedupe'), connect(h, 'dedupe'), connect(h, 'dedupe')];
		await Promise.all(clients.map((c) => synced(c.provider)));
		clients[0]!.fragment.insert(0, [paragraph('x')]);
		await waitFor(() => clients.every((c) => c.fragment.length === 1));
		expect(h.load.mock.calls.filter(([name]) => name === 'dedupe').length - before).toBe(1);
	});

	it('drops every write of a read-only connection, awareness included, but serves it', async () => {
		const writer = connect(h, 'readonly');
		const observer = connect(h, 'readonly', 'observer');
		const other = connect(h, 'readonly');
		await Promise.all([writer, observer, other].map((c) => synced(c.provider)));
		writer.provider.awareness.setLocalStateField('user', 'writer');
		writer.fragment.insert(0, [paragraph('from writer')]);

		observer.provider.awareness.setLocalStateField('user', 'observer');
		observer.fragment.insert(0, [paragraph('from observer')]);
		await roundTrip(observer.provider);
		await roundTrip(other.provider);

		// It still receives sync and the others' awareness.
		await waitFor(() => observer.fragment.toString().includes('from writer'));
		await waitFor(() => observer.provider.awareness.getStates().has(writer.doc.clientID));
		// Nobody else sees its edit or its presence...
		await waitFor(() => other.fragment.toString().includes('from writer'));
		expect(other.fragment.toString()).not.toContain('from observer');
		expect(writer.fragment.toString()).not.toContain('from observer');
		// Awareness is relayed per 50 ms tick, so it may trail the document update.
		await waitFor(() => other.provider.awareness.getStates().has(writer.doc.clientID));
		expect(other.provider.awareness.getStates().has(observer.doc.clientID)).toBe(false);
		// ...and the server doc never took it: a fresh client gets no trace of it.
		const fresh = connect(h, 'readonly');
		await synced(fresh.provider);
		expect(fresh.fragment.toString()).toContain('from writer');
		expect(fresh.fragment.toString()).not.toContain('from observer');
	});

	it("removes a connection's awareness states when it closes", async () => {
		const a = connect(h, 'presence');
		const b = connect(h, 'presence');
		await Promise.all([synced(a.provider), synced(b.provider)]);
		a.provider.awareness.setLocalStateField('user', 'a');
		await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user === 'a');
		// A dropped link (no goodbye frame, unlike provider.disconnect()): only the server can
		// clear the state, which would otherwise linger until the 30 s awareness timeout.
		a.provider.shouldConnect = false;
		(a.provider.ws as unknown as WebSocket).terminate();
		await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID));
	});

	it('forgets the awareness clock of a client gone for a ping (one entry per reconnect otherwise)', async () => {
		const b = connect(h, 'forget');
		await synced(b.provider);
		b.provider.awareness.setLocalStateField('user', 'b');
		for (let i = 0; i < 3; i++) {
			const a = connect(h, 'forget');
			await synced(a.provider);
			a.provider.awareness.setLocalStateField('user', `a${i}`);
			await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user === `a${i}`);
			a.provider.shouldConnect = false;
			(a.provider.ws as unknown as WebSocket).terminate();
			await waitFor(() => !b.provider.awareness.getStates().has(a.doc.clientID));
		}
		// b's own state stays (plus the server's own id, which has no state).
		await waitFor(() => h.docServer.stats().awarenessClients === 2);
		expect(b.provider.awareness.getStates().size).toBe(1);
		// A client that comes back with its old id is taken as new.
		b.provider.awareness.setLocalStateField('user', 'b again');
		const c = connect(h, 'forget');
		await synced(c.provider);
		await waitFor(() => c.provider.awareness.getStates().get(b.doc.clientID)?.user === 'b again');
	});

	it('relays a burst of cursor moves as few frames, the last state included', async () => {
		const a = connect(h, 'cursors');
		const b = connect(h, 'cursors');
		await Promise.all([synced(a.provider), synced(b.provider)]);
		a.provider.awareness.setLocalStateField('user', 'a');
		await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.user === 'a');
		let frames = 0;
		(b.provider.ws as unknown as WebSocket).addEventListener('message', (event) => {
			const bytes = new Uint8Array(event.data as ArrayBuffer);
			if (bytes[0] === 1) frames++; // messageAwareness
		});
		for (let i = 1; i <= 40; i++) a.provider.awareness.setLocalStateField('cursor', i);
		await waitFor(() => b.provider.awareness.getStates().get(a.doc.clientID)?.cursor === 40);
		// 40 changes sent at once reach the other editor in a frame or two (50 ms ticks).
		expect(frames).toBeLessThanOrEqual(3);
	});

	it('closes only the socket that sends a malformed frame', async () => {
		const a = connect(h, 'garbage');
		const b = connect(h, 'garbage');
		await Promise.all([synced(a.provider), synced(b.provider)]);
		const aClosed = vi.fn();
		a.provider.on('connection-close', aClosed);

		const cases: Array<[number[], number[]]> = [
			[[0x00, 0x02, 0xff, 0xff, 0xff], [1007]], // update with a truncated varint length
			[[0x00, 0x02, 0x05, 0x01, 0x02], [1007]], // length past the end of the frame
			[[0x00, 0x01, 0x03, 0xff, 0xff, 0xff], [1007]], // step 2 carrying garbage bytes
			[[0x09, 0x00], [1003]], // unknown message type
			[[0x00, 0x07], [1003]] // unknown sync message type
		];
		for (const [bytes, codes] of cases) {
			const bad = rawClient(`${h.url}/garbage`);
			await new Promise((r) => bad.once('open', r));
			const closed = closeCode(bad);
			bad.send(new Uint8Array(bytes));
			expect(codes).toContain(await closed);
		}
		const text = rawClient(`${h.url}/garbage`);
		await new Promise((r) => text.once('open', r));
		const textClosed = closeCode(text);
		text.send('not binary');
		expect(await textClosed).toBe(1003);

		a.fragment.insert(0, [paragraph('still alive')]);
		await waitFor(() => b.fragment.toString().includes('still alive'));
		expect(aClosed).not.toHaveBeenCalled();
	});

	it('closes a frame over 1 MiB with 1009 (ws maxPayload) and keeps serving', async () => {
		const big = rawClient(`${h.url}/big`);
		await new Promise((r) => big.once('open', r));
		const closed = closeCode(big);
		big.send(new Uint8Array(Math.round(1.1 * 1024 * 1024)));
		expect(await closed).toBe(1009);
		const after = connect(h, 'big');
		await synced(after.provider);
	});

	it('refuses a foreign Origin (403), a denied authorize (401/403) and a bad name (404)', async () => {
		expect(await upgradeStatus(rawClient(`${h.url}/d`, { Origin: 'http://evil.test' }))).toBe(403);
		expect(await upgradeStatus(rawClient(`${h.url}/d`, {}))).toBe(403);
		expect(await upgradeStatus(rawClient(`${h.url}/d?as=deny`))).toBe(401);
		expect(await upgradeStatus(rawClient(`${h.url}/d?as=forbid`))).toBe(403);
		expect(await upgradeStatus(rawClient(`${h.url}/a%2Fb`))).toBe(404);
		expect(await upgradeStatus(rawClient(`${h.url}/${'n'.repeat(129)}`))).toBe(404);
		const ok = rawClient(`${h.url}/${'n'.repeat(128)}`);
		await new Promise((r) => ok.once('open', r));
		ok.close();
	});

	it('leaves other upgrade paths to their own listeners (socket.io, Vite HMR)', async () => {
		const other = new WebSocketServer({ noServer: true });
		const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
			if (req.url !== '/other') return;
			other.handleUpgrade(req, socket, head, (ws) => ws.send('mine'));
		};
		h.http.on('upgrade', onUpgrade);
		try {
			const ws = rawClient(h.url.replace('/yjs', '/other'), {});
			const message = await new Promise<string>((resolve) =>
				ws.on('message', (data: Buffer) => resolve(data.toString()))
			);
			expect(message).toBe('mine');
			ws.close();
		} finally {
			h.http.off('upgrade', onUpgrade);
			other.close();
		}
	});

	it('terminates sockets that stop answering pings', async () => {
		const mute = new WebSocket(`${h.url}/ping`, { headers: { Origin: ORIGIN }, autoPong: false });
		mute.on('error', () => {});
		const alive = rawClient(`${h.url}/ping`);
		await Promise.all([mute, alive].map((ws) => new Promise((r) => ws.once('open', r))));
		const closed = closeCode(mute);
		expect(await closed).toBe(1006); // terminated, no close frame
		expect(alive.readyState).toBe(WebSocket.OPEN);
		alive.close();
	});

	it('unloads a document after its last connection leaves, and reloads it', async () => {
		const a = connect(h, 'unload');
		await synced(a.provider);
		a.fragment.insert(0, [paragraph('kept')]);
		await roundTrip(a.provider);
		a.provider.destroy();
		const loads = () => h.load.mock.calls.filter(([name]) => name === 'unload').length;
		expect(loads()).toBe(1);
		// Every doc of earlier tests unloads too (unloadDelayMs is 100 ms here).
		await waitFor(() => h.docServer.stats().docs === 0);
		const b = connect(h, 'unload');
		await synced(b.provider);
		expect(b.fragment.toString()).toContain('kept');
		expect(loads()).toBe(2);
	});

	it('batches rapid edits into few INSERTs', async () => {
		const a = connect(h, 'batch');
		await synced(a.provider);
		const before = h.persistence.stats();
		const text = a.doc.getText('plain');
		for (let i = 0; i < 200; i++) text.insert(i, 'x'); // 200 updates, 200 frames
		await roundTrip(a.provider);
		await h.docServer.flush();
		const after = h.persistence.stats();
		expect(after.rows - before.rows).toBe(200);
		expect(after.writes - before.writes).toBeLessThanOrEqual(10);
		const stored = await documents.load(opened.store.db, 'batch');
		// Compaction (every 50 rows) keeps what is stored after the snapshot bounded.
		expect(stored.updates.length).toBeLessThan(50);
		expect(stored.snapshot).not.toBeNull();
	});

	it('keeps the text across a server close and reopen on the same store', async () => {
		const a = connect(h, 'restart');
		await synced(a.provider);
		a.fragment.insert(0, [paragraph('survives a restart')]);
		await roundTrip(a.provider);
		const closes: number[] = [];
		a.provider.on('connection-close', (event) => closes.push(event?.code ?? 0));
		a.provider.shouldConnect = false; // keep it from reconnecting to the new server
		await h.stop();
		await waitFor(() => closes.includes(1001));

		h = await startHarness(opened.store);
		const b = connect(h, 'restart');
		await synced(b.provider);
		expect(b.fragment.toString()).toContain('survives a restart');
	});
});
