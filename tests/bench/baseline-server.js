/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * The baselines of the fan-out figure: the same "ballot in → tally out to everyone" through a
 * bare `ws` server and a bare socket.io server, with no auth, no database and no coalescing.
 * Usage: node baseline-server.js ws|sio — prints one JSON line {port} when listening.
 *
 *   ws : text frame "b<k>" → answers "a<k>" to the sender, then sends the tally frame (one
 *        string built once) to every open socket.
 *   sio: event "join" (ack) puts the socket in the room; "ballot:cast" {k} (ack) → ack, then
 *        io.to(room).emit('vote:tally', tally) — socket.io encodes a room emit once.
 * The tally has the shape and size of ours (CONTRACT §5).
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';

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
} else {
	console.error('usage: baseline-server.js ws|sio');
	process.exit(2);
}

http.listen(0, '127.0.0.1', () => {
	console.log(JSON.stringify({ port: http.address().port }));
});
process.on('SIGTERM', () => process.exit(0));
