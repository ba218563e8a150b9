import * as parser from 'socket.io-parser';
import { describe, expect, it } from 'vitest';
import { ackJsonParser } from './parser';

const ours = new ackJsonParser.Encoder();
const stock = new parser.Encoder();

describe('ackJsonParser', () => {
	it('encodes acks and events exactly as socket.io does', () => {
		const packets: parser.Packet[] = [
			{ type: parser.PacketType.ACK, nsp: '/', id: 7, data: [{ ok: true, state: { n: [1, 2] } }] },
			{ type: parser.PacketType.ACK, nsp: '/admin', id: 0, data: [{ ok: false }] },
			{ type: parser.PacketType.EVENT, nsp: '/', data: ['vote:tally', { voteId: 'v1' }] },
			{ type: parser.PacketType.CONNECT, nsp: '/', data: { sid: 'abc' } }
		];
		for (const packet of packets) expect(ours.encode(packet)).toEqual(stock.encode(packet));
	});

	it('still sends binary events as attachments', () => {
		const packet = {
			type: parser.PacketType.EVENT,
			nsp: '/',
			data: ['photo', Buffer.from([1, 2, 3])]
		};
		const out = ours.encode(packet);
		expect(out).toHaveLength(2);
		expect(String(out[0])).toMatch(/^51-/);
	});

	it('round-trips a large join snapshot through the stock decoder', async () => {
		const participants = Array.from({ length: 5000 }, (_, i) => ({
			id: `p${i}`,
			name: `居民${i}`,
			role: 'resident',
			online: i % 3 === 0
		}));
		const [text] = ours.encode({
			type: parser.PacketType.ACK,
			nsp: '/',
			id: 3,
			data: [{ ok: true, state: { participants } }]
		});
		const decoder = new parser.Decoder();
		const decoded = new Promise<parser.Packet>((resolve) => decoder.on('decoded', resolve));
		decoder.add(String(text));
		const packet = await decoded;
		expect(packet.id).toBe(3);
		expect(packet.data[0].state.participants).toEqual(participants);
	});
});
