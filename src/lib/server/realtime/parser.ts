/**
 * socket.io's own parser, except that acknowledgements skip the binary scan. The default
 * encoder walks every packet's whole object graph looking for Buffers before it stringifies;
 * our acks are JSON views built by `handle` (io.ts), and one of them — the `session:join` room
 * snapshot — lists every participant: in a 5 000-person room that walk was a tenth of the
 * server's time while the room filled. Events keep the default path (a room emit is encoded
 * once for everyone, so its walk is cheap). The wire format is unchanged: clients keep the
 * default parser.
 */
import * as parser from 'socket.io-parser';

/** `encodeAsString` is what the default encoder itself calls for a non-binary packet. */
type StringEncoder = { encodeAsString(packet: parser.Packet): string };

class Encoder extends parser.Encoder {
	override encode(packet: parser.Packet): unknown[] {
		if (packet.type === parser.PacketType.ACK)
			return [(this as unknown as StringEncoder).encodeAsString(packet)];
		return super.encode(packet);
	}
}

export const ackJsonParser = { protocol: parser.protocol, Encoder, Decoder: parser.Decoder };
