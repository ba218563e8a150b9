/** The moderator mutes or removes a participant (moderator actions are recorded). */
import { and, eq } from 'drizzle-orm';
import * as v from 'valibot';
import { participants } from '../db/schema';
import type { Ctx, Viewer } from './context';
import { forbidden, notFound, parse, ServiceError } from './errors';
import { requireConsole } from './permissions';
import { actorOfUser, record } from './transcript';

const muteSchema = v.object({ muted: v.boolean() });

async function target(ctx: Ctx, sessionId: string, participantId: string) {
	const [row] = await ctx.db
		.select()
		.from(participants)
		.where(and(eq(participants.id, participantId), eq(participants.sessionId, sessionId)));
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
	const user = requireConsole(viewer);
	const { muted } = parse(muteSchema, input);
	const row = await target(ctx, sessionId, participantId);
	await ctx.db.transaction(async (tx) => {
		await tx
			.update(participants)
			.set({ status: muted ? 'muted' : 'active' })
			.where(eq(participants.id, participantId));
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
	const user = requireConsole(viewer);
	if (user.role === 'clerk') throw forbidden('only a moderator removes someone');
	const row = await target(ctx, sessionId, participantId);
	await ctx.db.transaction(async (tx) => {
		await tx
			.update(participants)
			.set({ status: 'removed' })
			.where(eq(participants.id, participantId));
		await record(tx, sessionId, 'participant_removed', actorOfUser(user), {
			participantId,
			name: row.name
		});
	});
	ctx.realtime.participantChanged(sessionId, participantId, row.authSessionId);
}
