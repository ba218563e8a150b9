/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * A crowd process: passive room members held apart from the measuring clients, so that their
 * work (receiving every edit and awareness frame) does not delay the people whose latency is
 * measured. Forked by a scenario; message {type:'open', server, sessionId, docName, members}
 * (members = [{cookie, name}]) → each opens a socket.io connection + `session:join` and a
 * passive Yjs connection (tests/bench/lib/yjs.js PassiveDoc); answers {type:'ready'}. Then
 * {type:'stats'} → frames/bytes received; {type:'close'} → closes and exits.
 */
import { RawSio } from './lib/sio-raw.js';
import { pool } from './lib/stats.js';
import { PassiveDoc } from './lib/yjs.js';

const members = [];
let sioFrames = 0;

process.on('message', async (msg) => {
	try {
		if (msg.type === 'open') {
			const { server, sessionId, docName } = msg;
			await pool(msg.members, 20, async (m) => {
				const sock = new RawSio(server.wsBase, { Cookie: m.cookie, Origin: server.origin }, () => sioFrames++);
				await sock.connect();
				const ack = await sock.emitAck('session:join', { sessionId, presence: 'delta' }, 120_000);
				if (!ack?.ok) throw new Error(`session:join: ${JSON.stringify(ack).slice(0, 200)}`);
				const doc = docName ? await new PassiveDoc(server, m.cookie, docName, m.name).open() : null;
				members.push({ sock, doc });
			});
			process.send({ type: 'ready', count: members.length });
		} else if (msg.type === 'stats') {
			let frames = 0;
			let bytes = 0;
			for (const m of members) {
				frames += m.doc?.frames ?? 0;
				bytes += m.doc?.bytes ?? 0;
			}
			process.send({ type: 'stats', yjsFrames: frames, yjsBytes: bytes, sioFrames });
		} else if (msg.type === 'close') {
			for (const m of members) {
				m.doc?.close();
				m.sock.terminate();
			}
			process.send({ type: 'closed' }, () => process.exit(0));
		}
	} catch (error) {
		process.send({ type: 'error', error: String(error?.stack ?? error) });
	}
});
