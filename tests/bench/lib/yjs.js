/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * Yjs clients for the benchmark: the real y-websocket WebsocketProvider (for the people whose
 * latency we measure) and a raw, passive one (for the crowd: it syncs once, announces an
 * awareness state as an open editor does, renews it every 15 s, and never decodes what it gets).
 */
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** A `ws` class that sends fixed headers on the upgrade (Cookie, Origin). */
export function wsWithHeaders(headers) {
	return class HeaderWebSocket extends WebSocket {
		constructor(url, protocols) {
			super(url, protocols, { headers, perMessageDeflate: false });
		}
	};
}

/**
 * @param {{origin:string, wsBase:string}} server
 * @param {string} cookie
 * @param {string} docName
 * @param {Y.Doc} doc
 */
export function provider(server, cookie, docName, doc, connect = true) {
	return new WebsocketProvider(`${server.wsBase}/yjs`, docName, doc, {
		WebSocketPolyfill: wsWithHeaders({ Cookie: cookie, Origin: server.origin }),
		disableBc: true,
		connect,
		maxBackoffTime: 1000
	});
}

/** Resolves once the provider finished its first sync. */
export function whenSynced(p, timeoutMs = 30_000) {
	if (p.synced) return Promise.resolve();
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => {
			p.off('sync', on);
			reject(new Error(`yjs ${p.roomname} did not sync within ${timeoutMs} ms`));
		}, timeoutMs);
		const on = (synced) => {
			if (!synced) return;
			clearTimeout(timer);
			p.off('sync', on);
			resolve();
		};
		p.on('sync', on);
	});
}

const PARA =
	'本小区拟对二号楼至五号楼的外墙进行整体维修，维修资金由专项维修资金列支，预计总费用为人民币八十六万元。' +
	'施工期间将搭设脚手架，请各位业主注意安全，并配合物业做好阳台物品的整理工作。The contractor is chosen by open tender. ';

/**
 * Fills the proposal (XmlFragment "prosemirror", y-prosemirror's layout) with paragraphs until
 * the encoded document reaches `bytes`. Paragraphs are typed in short bursts, like people do.
 */
export function fillProposal(doc, bytes) {
	const fragment = doc.getXmlFragment('prosemirror');
	let n = 0;
	while (Y.encodeStateAsUpdate(doc).byteLength < bytes) {
		doc.transact(() => {
			for (let k = 0; k < 20; k++) {
				const p = new Y.XmlElement('paragraph');
				const text = new Y.XmlText();
				p.insert(0, [text]);
				fragment.insert(fragment.length, [p]);
				text.insert(0, `${++n}. ${PARA}`);
			}
		});
	}
	return Y.encodeStateAsUpdate(doc).byteLength;
}

/** The text node of the last paragraph (created if the proposal is empty). */
export function lastText(doc) {
	const fragment = doc.getXmlFragment('prosemirror');
	if (fragment.length === 0) {
		const p = new Y.XmlElement('paragraph');
		p.insert(0, [new Y.XmlText()]);
		fragment.insert(0, [p]);
	}
	const p = /** @type {Y.XmlElement} */ (fragment.get(fragment.length - 1));
	return /** @type {Y.XmlText} */ (p.get(0));
}

const EMPTY_UPDATE = Y.encodeStateAsUpdate(new Y.Doc());

function syncStep1Empty() {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0); // messageSync
	encoding.writeVarUint(e, 0); // step 1
	encoding.writeVarUint8Array(e, Y.encodeStateVector(new Y.Doc()));
	return encoding.toUint8Array(e);
}
function syncStep2Empty() {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 0);
	encoding.writeVarUint(e, 1); // step 2
	encoding.writeVarUint8Array(e, EMPTY_UPDATE);
	return encoding.toUint8Array(e);
}
const STEP1 = syncStep1Empty();
const STEP2 = syncStep2Empty();

function awarenessFrame(clientId, clock, state) {
	const inner = encoding.createEncoder();
	encoding.writeVarUint(inner, 1);
	encoding.writeVarUint(inner, clientId);
	encoding.writeVarUint(inner, clock);
	encoding.writeVarString(inner, JSON.stringify(state));
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, 1); // messageAwareness
	encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
	return encoding.toUint8Array(e);
}

/**
 * A passive editor: syncs (empty state vector), answers the server's step 1 with an empty
 * step 2, announces `{user}` awareness and renews it every 15 s (as y-protocols does).
 * Counts bytes and frames received; never decodes them.
 */
export class PassiveDoc {
	constructor(server, cookie, docName, name) {
		this.url = `${server.wsBase}/yjs/${encodeURIComponent(docName)}`;
		this.headers = { Cookie: cookie, Origin: server.origin };
		this.clientId = Math.floor(Math.random() * 2 ** 31);
		this.clock = 0;
		this.state = { user: { name, color: '#2f6fde' } };
		this.frames = 0;
		this.bytes = 0;
		this.timer = null;
		this.ws = null;
	}

	open(timeoutMs = 30_000) {
		return new Promise((resolve, reject) => {
			const ws = new WebSocket(this.url, { headers: this.headers, perMessageDeflate: false });
			this.ws = ws;
			let answered = false;
			const timer = setTimeout(() => reject(new Error('yjs passive open timeout')), timeoutMs);
			ws.on('unexpected-response', (_q, res) => {
				clearTimeout(timer);
				reject(new Error(`yjs upgrade refused: HTTP ${res.statusCode}`));
			});
			ws.on('error', (err) => {
				clearTimeout(timer);
				reject(err);
			});
			ws.on('open', () => {
				ws.send(STEP1);
				ws.send(awarenessFrame(this.clientId, ++this.clock, this.state));
				this.timer = setInterval(() => {
					if (ws.readyState === WebSocket.OPEN)
						ws.send(awarenessFrame(this.clientId, ++this.clock, this.state));
				}, 15_000);
				this.timer.unref();
			});
			ws.on('message', (data) => {
				this.frames++;
				this.bytes += data.length;
				// The first sync frames: the server's step 1 (answered once) and our step 2.
				if (!answered && data[0] === 0 && data[1] === 0) {
					answered = true;
					ws.send(STEP2);
				}
				if (data[0] === 0 && data[1] === 1) {
					clearTimeout(timer);
					resolve(this);
				}
			});
			ws.on('close', () => clearInterval(this.timer));
		});
	}

	close() {
		clearInterval(this.timer);
		this.ws?.close();
	}
}
