/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * A minimal socket.io v4 client (engine.io protocol 4, WebSocket transport only) on `ws`.
 * Load clients use it instead of socket.io-client so that thousands of them fit in one process
 * and every server under test (ours, the bare socket.io baseline) is received by the SAME code:
 * a timestamp and a substring test per message, no JSON parse unless asked.
 *
 *   server → "0{sid,…}" open · "2" ping (we answer "3") · "40{sid}" connected ·
 *   "42[event,data]" event · "43<id>[answer]" ack · "44{…}" connect error
 *   client → "40" connect · "42<id>[event,data]" event with ack id
 */
import WebSocket from 'ws';

let nextId = 1;

export class RawSio {
	/**
	 * @param {string} base e.g. ws://127.0.0.1:3000
	 * @param {Record<string,string>} headers Cookie and Origin
	 * @param {(raw: string, at: number) => void} [onEvent] every "42…" frame, with performance.now()
	 */
	constructor(base, headers, onEvent) {
		this.url = `${base}/socket.io/?EIO=4&transport=websocket`;
		this.headers = headers;
		this.onEvent = onEvent ?? null;
		/** @type {Map<number, (answer: any) => void>} */
		this.acks = new Map();
		this.ws = null;
		this.connected = false;
		this.closed = false;
	}

	/** Resolves once the default namespace is connected. */
	connect(timeoutMs = 30_000) {
		return new Promise((resolve, reject) => {
			const ws = new WebSocket(this.url, { headers: this.headers, perMessageDeflate: false });
			this.ws = ws;
			const timer = setTimeout(() => {
				ws.terminate();
				reject(new Error('socket.io connect timeout'));
			}, timeoutMs);
			ws.on('unexpected-response', (_req, res) => {
				clearTimeout(timer);
				reject(new Error(`socket.io upgrade refused: HTTP ${res.statusCode}`));
				ws.terminate();
			});
			ws.on('error', (err) => {
				clearTimeout(timer);
				reject(err);
			});
			ws.on('close', () => {
				this.connected = false;
				this.closed = true;
				for (const done of this.acks.values()) done({ ok: false, error: { code: 'closed' } });
				this.acks.clear();
			});
			ws.on('message', (data) => {
				const at = performance.now();
				const raw = data.toString();
				const c = raw.charCodeAt(0);
				if (c === 50 /* 2 */ && raw.length === 1) return ws.send('3');
				if (c === 48 /* 0 */) return ws.send('40');
				if (c !== 52 /* 4 */) return;
				const t = raw.charCodeAt(1);
				if (t === 50 /* 42 event */) {
					if (this.onEvent) this.onEvent(raw, at);
				} else if (t === 51 /* 43 ack */) {
					const bracket = raw.indexOf('[');
					const id = Number(raw.slice(2, bracket));
					const done = this.acks.get(id);
					if (done) {
						this.acks.delete(id);
						done(JSON.parse(raw.slice(bracket))[0]);
					}
				} else if (t === 48 /* 40 connected */) {
					clearTimeout(timer);
					this.connected = true;
					resolve(this);
				} else if (t === 52 /* 44 error */) {
					clearTimeout(timer);
					reject(new Error(`socket.io connect error: ${raw.slice(2)}`));
				}
			});
		});
	}

	/** Emits an event and resolves with its acknowledgement (rejects after the timeout). */
	emitAck(event, data, timeoutMs = 30_000) {
		return new Promise((resolve, reject) => {
			if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return reject(new Error('not open'));
			const id = nextId++;
			const timer = setTimeout(() => {
				this.acks.delete(id);
				reject(new Error(`no ack for ${event} within ${timeoutMs} ms`));
			}, timeoutMs);
			this.acks.set(id, (answer) => {
				clearTimeout(timer);
				resolve(answer);
			});
			this.ws.send(`42${id}${JSON.stringify([event, data])}`);
		});
	}

	close() {
		if (this.ws && !this.closed) this.ws.close();
	}

	terminate() {
		if (this.ws) this.ws.terminate();
	}
}

/** Answers the event name of a raw "42[…]" frame without parsing its payload. */
export function eventName(raw) {
	const start = raw.indexOf('["');
	if (start < 0) return null;
	return raw.slice(start + 2, raw.indexOf('"', start + 2));
}

/** The total headcount of a raw vote:tally frame (sum over options), without JSON.parse. */
export function tallyHeadcount(raw) {
	const m = /"participation":\{"headcount":(\d+)/.exec(raw);
	if (m) return Number(m[1]);
	let total = 0;
	for (const x of raw.matchAll(/"(?:yes|no|abstain)":\{"headcount":(\d+)/g)) total += Number(x[1]);
	return total;
}
