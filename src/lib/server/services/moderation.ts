/** The moderator mutes or removes a participant (moderator actions are recorded). */
import * as v from 'valibot';
import * as participants from '../db/participants';
import type { Ctx, Viewer } from './context';
import { notFound, parse, ServiceError } from './errors';
import { requireCan } from '../access/check';
import { actorOfUser, record } from './transcript';

const muteSchema = v.object({ muted: v.boolean() });

async function target(ctx: Ctx, sessionId: string, participantId: string) {
	const row = await participants.findInSession(ctx.db, sessionId, participantId);
	if (!row || row.status === 'removed') throw notFound('participant_not_found', 'participant');
	if (row.userId)
		throw new ServiceError(409, 'staff_participant', 'staff accounts are not muted or removed');
	return row;
}

export async function setMuted(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	participantId: string,
	input: unknown
) {
	const user = await requireCan(ctx, viewer, 'session.console', { sessionId });
	const { muted } = parse(muteSchema, input);
	const row = await target(ctx, sessionId, participantId);
	await ctx.db.transaction(async (tx) => {
		await participants.setStatus(tx, participantId, muted ? 'muted' : 'active');
		await record(
			tx,
			sessionId,
			muted ? 'participant_muted' : 'participant_unmuted',
			actorOfUser(user),
			{
				participantId,
				name: row.name
			}
		);
	});
	ctx.realtime.participantChanged(sessionId, participantId, row.authSessionId);
	return { id: row.id, name: row.name, role: row.role, muted };
}

export async function remove(ctx: Ctx, viewer: Viewer, sessionId: string, participantId: string) {
	const user = await requireCan(ctx, viewer, 'session.run', { sessionId });
	const row = await target(ctx, sessionId, participantId);
	await ctx.db.transaction(async (tx) => {
		await participants.setStatus(tx, participantId, 'removed');
		await record(tx, sessionId, 'participant_removed', actorOfUser(user), {
			participantId,
			name: row.name
		});
	});
	ctx.realtime.participantChanged(sessionId, participantId, row.authSessionId);
}
