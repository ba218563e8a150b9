/**
 * What the doc servers of several nodes say to each other on a document's bus channel
 * (`doc-bus.ts`): varUint(type) + payload, lib0-encoded like the y-websocket frames.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';

/** A client's edit, as the node it reached applied it; `author` feeds proposal checkpoints. */
export const BUS_UPDATE = 0;
/** Awareness of the clients connected to the sending node. */
export const BUS_AWARENESS = 1;
/**
 * "Here is my state vector": peers answer with BUS_SYNC_ANSWER (what the sender lacks) and
 * their clients' awareness, and — unless `answerOnly` — ask back with a request of their own
 * (answerOnly), so edits the sender has and they lack travel too. Sent after a load and after
 * a reconnect to Redis.
 */
export const BUS_SYNC_REQUEST = 2;
/** A diff answering a request: applied and relayed, but not an edit (no checkpoint author). */
export const BUS_SYNC_ANSWER = 3;

export type BusMessage =
	| { type: typeof BUS_UPDATE; author: string | undefined; update: Uint8Array }
	| { type: typeof BUS_AWARENESS; update: Uint8Array }
	| { type: typeof BUS_SYNC_REQUEST; answerOnly: boolean; stateVector: Uint8Array }
	| { type: typeof BUS_SYNC_ANSWER; update: Uint8Array };

export function encodeBusMessage(message: BusMessage): Uint8Array {
	const e = encoding.createEncoder();
	encoding.writeVarUint(e, message.type);
	switch (message.type) {
		case BUS_UPDATE:
			encoding.writeVarString(e, message.author ?? '');
			encoding.writeVarUint8Array(e, message.update);
			break;
		case BUS_SYNC_REQUEST:
			encoding.writeVarUint(e, message.answerOnly ? 1 : 0);
			encoding.writeVarUint8Array(e, message.stateVector);
			break;
		default:
			encoding.writeVarUint8Array(e, message.update);
	}
	return encoding.toUint8Array(e);
}

/** Throws on a malformed message (callers log and drop it). */
export function decodeBusMessage(bytes: Uint8Array): BusMessage {
	const d = decoding.createDecoder(bytes);
	const type = decoding.readVarUint(d);
	switch (type) {
		case BUS_UPDATE: {
			const author = decoding.readVarString(d);
			return { type, author: author || undefined, update: decoding.readVarUint8Array(d) };
		}
		case BUS_SYNC_REQUEST: {
			const answerOnly = decoding.readVarUint(d) === 1;
			return { type, answerOnly, stateVector: decoding.readVarUint8Array(d) };
		}
		case BUS_AWARENESS:
		case BUS_SYNC_ANSWER:
			return { type, update: decoding.readVarUint8Array(d) };
		default:
			throw new Error(`unknown doc bus message type ${type}`);
	}
}
