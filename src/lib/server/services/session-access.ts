/**
 * Whether a participant may act in a session now. Kept apart from services/sessions.ts so that
 * the queue, votes and the writing services check it without importing the session lifecycle
 * (which assembles the room state out of them).
 */
import * as clock from '../clock';
import { hasOpened } from '$lib/deadlines';
import { canWrite, type Role } from '$lib/protocol/roles';
import type { Participant } from '../db/participants';
import { ServiceError } from './errors';

/** Whether this participant may write now: their role allows it and they are not muted. */
export function participantCanWrite(
	p: Pick<Participant, 'role' | 'status'>,
	sessionStatus: 'open' | 'closed'
): boolean {
	return p.status === 'active' && canWrite(p.role as Role, sessionStatus);
}

/** Refuses writing and voting before a cloud session opens (409 `session_not_open`). */
export function requireStarted(session: { opensAt: Date | null }, now = clock.now()) {
	if (!hasOpened(session.opensAt, now)) {
		throw new ServiceError(
			409,
			'session_not_open',
			`this session opens at ${session.opensAt!.toISOString()}`
		);
	}
}
