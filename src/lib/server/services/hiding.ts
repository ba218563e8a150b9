/**
 * A moderator hides a statement, comment (or reply) or opinion with a reason; staff erase a
 * person's words on request (PIPL art. 47). Either way the words leave every public response
 * and the reason shows in their place, while the transcript still verifies from entry 1: the
 * chain holds only a commitment to the words (src/lib/server/services/words.ts).
 */
import { eraseSchema, hideSchema, type HideKind } from '$lib/protocol/trust';
import type { Db } from '../db/client';
import * as commentsDb from '../db/comments';
import * as hiddenTexts from '../db/hidden-texts';
import * as opinions from '../db/opinions';
import * as participants from '../db/participants';
import * as itemsDb from '../db/items';
import * as sessions from '../db/sessions';
import type { Ctx, Viewer } from './context';
import { notFound, parse } from './errors';
import * as searchIndex from './search-index';
import { actorOfUser, record } from './transcript';
import { isStaffOf, requireModeratorOf } from './trust-access';
import { hiddenOf } from './words';
import * as audit from './audit';

interface Target {
	communityId: string;
	sessionId: string | null;
}

async function targetOf(db: Db, kind: HideKind, id: string): Promise<Target | null> {
	if (kind === 'opinion') {
		const row = await opinions.find(db, id);
		return row ? { communityId: row.communityId, sessionId: null } : null;
	}
	const sessionId =
		kind === 'comment'
			? (await commentsDb.find(db, id))?.sessionId
			: await hiddenTexts.statementSessionId(db, id);
	const session = sessionId ? await sessions.find(db, sessionId) : null;
	return session ? { communityId: session.communityId, sessionId: session.id } : null;
}

export async function hide(ctx: Ctx, viewer: Viewer, input: unknown) {
	const body = parse(hideSchema, input);
	const target = await targetOf(ctx.db, body.kind, body.id);
	if (!target) throw notFound(`${body.kind}_not_found`, body.kind);
	const user = requireModeratorOf(viewer, target.communityId);
	const recordedIn: string[] = [];
	await ctx.db.transaction(async (tx) => {
		await hiddenTexts.mark(tx, {
			kind: body.kind,
			id: body.id,
			communityId: target.communityId,
			reason: body.reason,
			hiddenBy: user.id
		});
		// Hidden words leave search too; the reason is what people find in their place.
		await searchIndex.replaceText(tx, body.kind, body.id, body.reason);
		// An opinion made a project is quoted by the project and its item: the copies go too,
		// and the project's session records the hiding (its first entry commits to the words).
		const quotes = body.kind === 'opinion' ? await itemsDb.blankOpinionQuotes(tx, body.id) : null;
		if (quotes) {
			await searchIndex.replaceText(tx, 'project', quotes.projectId, body.reason);
			for (const itemId of quotes.itemIds)
				await searchIndex.replaceText(tx, 'item', itemId, body.reason);
			recordedIn.push(...quotes.sessionIds);
		}
		if (target.sessionId) recordedIn.push(target.sessionId);
		// That something was hidden, and why, is itself part of the record.
		for (const sessionId of recordedIn)
			await record(tx, sessionId, 'text_hidden', actorOfUser(user), {
				kind: body.kind,
				id: body.id,
				reason: body.reason
			});
	});
	for (const sessionId of recordedIn) ctx.realtime.transcriptChanged(sessionId);
	if (body.kind === 'opinion') ctx.realtime.boardChanged(target.communityId);
	await audit.logOn(ctx, viewer, 'text_hidden', { communityId: target.communityId }, body.id, {
		kind: body.kind,
		reason: body.reason
	});
	return { kind: body.kind, id: body.id, hidden: true, reason: body.reason };
}

/**
 * Erases what a participant wrote (statements, comments) on request: the words are emptied in
 * every table and marked erased, their name becomes 已删除 on every page. The chain keeps only
 * the commitments (and the name the person chose to appear under in its actor fields).
 */
export async function erase(ctx: Ctx, viewer: Viewer, input: unknown) {
	const body = parse(eraseSchema, input);
	const person = await participants.findById(ctx.db, body.participantId);
	if (!person) throw notFound('participant_not_found', 'participant');
	const session = await sessions.find(ctx.db, person.sessionId);
	const communityId = session?.communityId ?? '';
	const user = requireModeratorOf(viewer, communityId);
	const reason = body.reason || 'erased on request';
	let erased = 0;
	await ctx.db.transaction(async (tx) => {
		const words = await hiddenTexts.wordsBy(tx, person.id);
		const own = await commentsDb.idsBy(tx, person.id);
		const marks = [
			...words.map((w) => ({ kind: w.kind === 'comment' ? 'comment' : w.kind, id: w.id })),
			...own.map((id) => ({ kind: 'comment', id }))
		];
		for (const m of marks) {
			await hiddenTexts.mark(tx, { ...m, communityId, reason, hiddenBy: user.id });
		}
		await hiddenTexts.eraseWordsOf(tx, person.id);
		erased = new Set(marks.map((m) => `${m.kind}:${m.id}`)).size;
	});
	ctx.log.info({ participantId: person.id, erased }, 'personal data erased on request');
	await audit.logOn(ctx, viewer, 'words_erased', { sessionId: person.sessionId }, person.id, {
		erased,
		reason
	});
	return { participantId: person.id, erased };
}

/**
 * Views of comments or opinions as this viewer may see them: hidden ones keep their place with
 * empty words and `hidden:{reason}`, except for the community's staff.
 */
export async function maskHidden<V extends { id: string; text: string; title?: string }>(
	ctx: Pick<Ctx, 'db'>,
	viewer: Viewer,
	kind: 'comment' | 'opinion',
	communityId: string,
	views: V[]
): Promise<(V & { hidden?: { reason: string } })[]> {
	const marks = await hiddenOf(
		ctx.db,
		kind,
		views.map((v) => v.id)
	);
	if (marks.size === 0) return views;
	const staff = isStaffOf(viewer, communityId);
	return views.map((v) => {
		const mark = marks.get(v.id);
		if (!mark) return v;
		if (staff) return { ...v, hidden: { reason: mark.reason } };
		return {
			...v,
			text: '',
			...(v.title !== undefined ? { title: '' } : {}),
			hidden: { reason: mark.reason }
		};
	});
}
