import { describe, expect, it } from 'vitest';
import { give, lower, ordered, raise, speakingTotals, type Queue } from './speaker-queue';

const t = (s: number) => new Date(Date.UTC(2026, 10, 22, 11, 0, s));
const empty: Queue = { entries: [], speaking: null };

function must(result: ReturnType<typeof raise>): Queue {
	if (!result.ok) throw new Error(result.error);
	return result.queue;
}

describe('speaker queue', () => {
	it('[QUEUE-1] calls hands first come, first served', () => {
		let q = must(raise(empty, { participantId: 'a', kind: 'speak', at: t(1) }));
		q = must(raise(q, { participantId: 'b', kind: 'speak', at: t(2) }));
		expect(q.entries.map((e) => e.participantId)).toEqual(['a', 'b']);
	});

	it('[QUEUE-2] a point of order goes to the front, behind earlier points of order', () => {
		let q = must(raise(empty, { participantId: 'a', kind: 'speak', at: t(1) }));
		q = must(raise(q, { participantId: 'p1', kind: 'point_of_order', at: t(2) }));
		q = must(raise(q, { participantId: 'p2', kind: 'point_of_order', at: t(3) }));
		expect(q.entries.map((e) => e.participantId)).toEqual(['p1', 'p2', 'a']);
	});

	it('[QUEUE-3] one hand per person; lowering a hand that is not up is refused', () => {
		const q = must(raise(empty, { participantId: 'a', kind: 'speak', at: t(1) }));
		expect(raise(q, { participantId: 'a', kind: 'point_of_order', at: t(2) })).toEqual({
			ok: false,
			error: 'already_queued'
		});
		expect(lower(q, 'b')).toEqual({ ok: false, error: 'not_queued' });
		expect(must(lower(q, 'a')).entries).toEqual([]);
	});

	it('[QUEUE-4] giving the floor takes the head of the queue and starts the clock', () => {
		let q = must(raise(empty, { participantId: 'a', kind: 'speak', at: t(1) }));
		q = must(raise(q, { participantId: 'b', kind: 'point_of_order', at: t(2) }));
		q = must(give(q, t(10), 120));
		expect(q.speaking).toEqual({ participantId: 'b', startedAt: t(10), limitSeconds: 120 });
		expect(q.entries.map((e) => e.participantId)).toEqual(['a']);
		q = must(give(q, t(40), 120));
		expect(q.speaking?.participantId).toBe('a');
		expect(give(q, t(50), 120)).toEqual({ ok: false, error: 'queue_empty' });
	});

	it('[QUEUE-5] the chair may call a particular person, queued or not', () => {
		const q = must(raise(empty, { participantId: 'a', kind: 'speak', at: t(1) }));
		const called = must(give(q, t(5), 60, 'z'));
		expect(called.speaking?.participantId).toBe('z');
		expect(called.entries.map((e) => e.participantId)).toEqual(['a']);
	});

	it('[QUEUE-6] speaking time adds up per bloc', () => {
		expect(
			speakingTotals([
				{ role: 'resident', startedAt: t(0), endedAt: t(90) },
				{ role: 'property', startedAt: t(100), endedAt: t(130) },
				{ role: 'resident', startedAt: t(140), endedAt: t(170) }
			])
		).toEqual({ resident: 120, property: 30 });
	});

	it('[QUEUE-7] any arrival order of the same hands gives the same queue (seeded shuffles)', () => {
		const hands = Array.from({ length: 12 }, (_, i) => ({
			participantId: `p${i}`,
			kind: i % 4 === 0 ? ('point_of_order' as const) : ('speak' as const),
			at: t(i)
		}));
		const expected = ordered(hands).map((h) => h.participantId);
		let seed = 42;
		const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
		for (let round = 0; round < 50; round++) {
			const shuffled = [...hands].sort(() => random() - 0.5);
			const q = shuffled.reduce<Queue>((acc, h) => must(raise(acc, h)), empty);
			expect(q.entries.map((e) => e.participantId)).toEqual(expected);
		}
	});
});
