/**
 * The speaker queue (举手): pure state in, new state out. A point of order goes ahead of
 * every ordinary hand (behind earlier points of order); otherwise first come, first served.
 */
export type HandKind = 'speak' | 'point_of_order';

export interface Hand {
	participantId: string;
	kind: HandKind;
	at: Date;
}

export interface Speaker {
	participantId: string;
	startedAt: Date;
	limitSeconds: number;
}

export interface Queue {
	entries: Hand[];
	speaking: Speaker | null;
}

export type QueueError = 'already_queued' | 'not_queued' | 'queue_empty' | 'already_speaking';

export type QueueResult = { ok: true; queue: Queue } | { ok: false; error: QueueError };

const rank = (kind: HandKind) => (kind === 'point_of_order' ? 0 : 1);

/** The order people are called in. */
export function ordered(entries: readonly Hand[]): Hand[] {
	return [...entries].sort(
		(a, b) => rank(a.kind) - rank(b.kind) || a.at.getTime() - b.at.getTime()
	);
}

export function raise(queue: Queue, hand: Hand): QueueResult {
	if (queue.entries.some((e) => e.participantId === hand.participantId)) {
		return { ok: false, error: 'already_queued' };
	}
	if (queue.speaking?.participantId === hand.participantId)
		return { ok: false, error: 'already_speaking' };
	return { ok: true, queue: { ...queue, entries: ordered([...queue.entries, hand]) } };
}

export function lower(queue: Queue, participantId: string): QueueResult {
	if (!queue.entries.some((e) => e.participantId === participantId))
		return { ok: false, error: 'not_queued' };
	return {
		ok: true,
		queue: { ...queue, entries: queue.entries.filter((e) => e.participantId !== participantId) }
	};
}

/**
 * Gives the floor to `participantId` (any queued person, or someone not queued at all: the
 * chair may call anyone) or, without one, to the head of the queue. The previous speaker's
 * turn ends.
 */
export function give(
	queue: Queue,
	now: Date,
	limitSeconds: number,
	participantId?: string
): QueueResult {
	const next = participantId ?? ordered(queue.entries)[0]?.participantId;
	if (!next) return { ok: false, error: 'queue_empty' };
	return {
		ok: true,
		queue: {
			entries: queue.entries.filter((e) => e.participantId !== next),
			speaking: { participantId: next, startedAt: now, limitSeconds }
		}
	};
}

export function endTurn(queue: Queue): Queue {
	return { ...queue, speaking: null };
}

/** Seconds spoken per bloc from finished turns; the UI shows residents vs property vs …. */
export function speakingTotals(
	turns: readonly { role: string; startedAt: Date; endedAt: Date }[]
): Record<string, number> {
	const totals: Record<string, number> = {};
	for (const t of turns) {
		const seconds = Math.max(0, Math.round((t.endedAt.getTime() - t.startedAt.getTime()) / 1000));
		totals[t.role] = (totals[t.role] ?? 0) + seconds;
	}
	return totals;
}
