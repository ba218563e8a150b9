/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * The baselines of the fan-out figure: the same "ballot in → tally out to everyone" through a
 * bare `ws` server and a bare socket.io server, with no auth, no database and no coalescing.
 * Usage: node baseline-server.js ws|sio|yjs — prints one JSON line {port} when listening.
 *
 *   ws : text frame "b<k>" → answers "a<k>" to the sender, then sends the tally frame (one
 *        string built once) to every open socket.
 *   sio: event "join" (ack) puts the socket in the room; "ballot:cast" {k} (ack) → ack, then
 *        io.to(room).emit('vote:tally', tally) — socket.io encodes a room emit once.
 * The tally has the shape and size of ours (REFERENCE.md §5).
 *   yjs: a bare y-websocket server (the baseline of the editing figure), see below.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { WebSocketServer } from 'ws';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';

const kind = process.argv[2];
const VOTE_ID = process.argv[3] || 'v0000000000000000000000';
const http = createServer((_req, res) => res.writeHead(404).end());

function tally(k, n) {
	return {
		voteId: VOTE_ID,
		status: 'open',
		participation: { headcount: k, area: 0, eligibleHeadcount: n, eligibleArea: 0 },
		counts: {
			yes: { headcount: k, area: 0 },
			no: { headcount: 0, area: 0 },
			abstain: { headcount: 0, area: 0 }
		}
	};
}

if (kind === 'ws') {
	const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
	wss.on('connection', (ws) => {
		ws.on('message', (data) => {
			const text = data.toString();
			if (text[0] !== 'b') return;
			const k = Number(text.slice(1));
			ws.send(`a${k}`);
			const frame = JSON.stringify(['vote:tally', tally(k, wss.clients.size)]);
			for (const client of wss.clients) if (client.readyState === 1) client.send(frame);
		});
	});
} else if (kind === 'sio') {
	const io = new Server(http, { serveClient: false, transports: ['websocket'] });
	io.on('connection', (socket) => {
		socket.on('join', (room, ack) => {
			socket.join(room);
			ack({ ok: true });
		});
		socket.on('ballot:cast', (payload, ack) => {
			ack({ ok: true });
			io.to(payload.room).emit('vote:tally', tally(payload.k, io.engine.clientsCount));
		});
	});
} else if (kind === 'yjs') {
	// The y-websocket reference server's shape (setupWSConnection): one Y.Doc per path, sync
	// step 1 on connect, every applied update relayed at once to the doc's other sockets,
	// awareness relayed as it comes. No auth, no persistence, no coalescing.
	const docs = new Map();
	const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
	wss.on('connection', (ws, req) => {
		const name = req.url ?? '/';
		let live = docs.get(name);
		if (!live) {
			const doc = new Y.Doc();
			live = { doc, conns: new Set() };
			doc.on('update', (update, origin) => {
				const e = encoding.createEncoder();
				encoding.writeVarUint(e, 0);
				syncProtocol.writeUpdate(e, update);
				const message = encoding.toUint8Array(e);
				for (const c of live.conns) if (c !== origin) c.send(message);
			});
			docs.set(name, live);
		}
		live.conns.add(ws);
		ws.on('close', () => live.conns.delete(ws));
		ws.on('message', (data) => {
			const bytes = new Uint8Array(data);
			const decoder = decoding.createDecoder(bytes);
			const type = decoding.readVarUint(decoder);
			if (type === 0) {
				const e = encoding.createEncoder();
				encoding.writeVarUint(e, 0);
				syncProtocol.readSyncMessage(decoder, e, live.doc, ws);
				if (encoding.length(e) > 1) ws.send(encoding.toUint8Array(e));
			} else if (type === 1) {
				for (const c of live.conns) if (c !== ws) c.send(bytes);
			}
		});
		const e = encoding.createEncoder();
		encoding.writeVarUint(e, 0);
		syncProtocol.writeSyncStep1(e, live.doc);
		ws.send(encoding.toUint8Array(e));
	});
} else {
	console.error('usage: baseline-server.js ws|sio|yjs');
	process.exit(2);
}

http.listen(0, '127.0.0.1', () => {
	console.log(JSON.stringify({ port: http.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
