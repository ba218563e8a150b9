/**
 * Opinions (意见征集, REFERENCE.md §6): a community participant posts one; the committee answers
 * within the community's response hours (一日三巡: 4 h by default) or staff are told it is
 * overdue; neighbours raise hands (one per participant) until the committee may turn it into a
 * project (举手立项).
 */
import { notice } from '$lib/notice-text';
import {
	opinionCreateSchema,
	opinionResponseSchema,
	type OpinionResponseView,
	type OpinionView
} from '$lib/protocol/community';
import * as clock from '../clock';
import { DEFAULT_COMMUNITY_ID } from '../access/capabilities';
import * as searchIndex from './search-index';
import type { Db } from '../db/client';
import * as communityDb from '../db/community';
import * as opinionsDb from '../db/opinions';
import { deadlineOf, isOverdue, shanghaiTime } from '../domain/opinions';
import { newId } from '../ids';
import type { Job } from '../scheduler';
import * as communityService from './community';
import type { Ctx, Viewer } from './context';
import { maskHidden } from './hiding';
import { notFound, parse } from './errors';
import { notify } from './notifications';
import * as photos from './photos';
import { requireCan } from '../access/check';

export const opinionUrl = (o: { id: string; communityId: string }) => opinionsDb.overdueUrl(o);

/** Tells every moderator and administrator (the committee's accounts). */
export async function notifyStaff(
	db: Db,
	communityId: string,
	notice: { kind: string; text: string; url: string; at: Date }
) {
	const isDefault = communityId === DEFAULT_COMMUNITY_ID;
	for (const userId of await communityDb.staffUserIds(db, communityId, isDefault)) {
		await notify(db, { audience: 'user', userId }, notice);
	}
}

export async function create(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string,
	input: unknown,
	now = clock.now()
): Promise<{ id: string; deadline: string }> {
	const community = await communityService.requireCommunity(ctx, communityId);
	const member = await communityService.requireMember(ctx, viewer, communityId);
	const body = parse(opinionCreateSchema, input);
	if (body.photoId) await photos.requirePhotoOf(ctx, body.photoId, communityId);
	const deadline = deadlineOf(now, community.opinionResponseHours);
	const opinion = await ctx.db.transaction(async (tx) => {
		const created = await opinionsDb.insert(tx, {
			id: newId(),
			communityId,
			memberId: member.id,
			authorName: member.name,
			title: body.title,
			text: body.text,
			photoId: body.photoId ?? null,
			deadline,
			createdAt: now
		});
		await notifyStaff(tx, communityId, {
			...notice('opinion_created', {
				who: member.name,
				title: created.title,
				at: shanghaiTime(deadline)
			}),
			url: opinionUrl(created),
			at: now
		});
		await searchIndex.put(tx, {
			kind: 'opinion',
			refId: created.id,
			communityId,
			public: true,
			title: created.title,
			body: created.text,
			url: opinionUrl(created),
			at: now
		});
		return created;
	});
	ctx.timers.poke();
	ctx.realtime.boardChanged(communityId);
	ctx.log.info({ communityId, opinionId: opinion.id }, 'opinion posted');
	return { id: opinion.id, deadline: deadline.toISOString() };
}

function responseView(r: opinionsDb.OpinionResponse): OpinionResponseView {
	return { id: r.id, text: r.text, author: r.authorName, at: r.at.toISOString() };
}

export async function list(
	ctx: Ctx,
	viewer: Viewer,
	communityId: string,
	now = clock.now()
): Promise<OpinionView[]> {
	await communityService.requireCommunity(ctx, communityId);
	const rows = await opinionsDb.listForCommunity(ctx.db, communityId);
	const ids = rows.map((r) => r.id);
	const member = await communityService.findMember(ctx, viewer, communityId);
	const [hands, responses, mine] = await Promise.all([
		opinionsDb.handCounts(ctx.db, ids),
		opinionsDb.responsesFor(ctx.db, ids),
		member ? opinionsDb.handsOfMember(ctx.db, member.id, ids) : Promise.resolve(null)
	]);
	const views = rows.map((o) => {
		const view: OpinionView = {
			id: o.id,
			title: o.title,
			text: o.text,
			hands: hands.get(o.id) ?? 0,
			deadline: o.deadline.toISOString(),
			overdue: isOverdue(o, now),
			author: o.authorName,
			at: o.createdAt.toISOString(),
			responses: responses.filter((r) => r.opinionId === o.id).map(responseView)
		};
		if (o.respondedAt) view.respondedAt = o.respondedAt.toISOString();
		if (o.projectId) view.projectId = o.projectId;
		if (o.photoId) view.photoUrl = photos.photoUrl(o.photoId);
		if (mine) view.myHand = mine.has(o.id);
		return view;
	});
	return maskHidden(ctx, viewer, 'opinion', communityId, views);
}

/**
 * Who may follow a board live: anyone who may read it (`list`). The board is public, so
 * the community only has to exist.
 */
export async function watch(ctx: Ctx, communityId: string): Promise<{ communityId: string }> {
	const community = await communityService.requireCommunity(ctx, communityId);
	return { communityId: community.id };
}

/**
 * Follows a public board without a socket: `listener` runs after every change to it, made on
 * any node. Returns the function that stops following. An unknown community is a 404.
 */
export async function followBoard(
	ctx: Ctx,
	communityId: string,
	listener: () => void
): Promise<() => void> {
	const { communityId: id } = await watch(ctx, communityId);
	return ctx.realtime.watchBoard(id, listener);
}

async function requireOpinion(ctx: Ctx, id: string) {
	const opinion = await opinionsDb.find(ctx.db, id);
	if (!opinion) throw notFound('opinion_not_found', 'opinion');
	return opinion;
}

/** Raises (up) or lowers the viewer's hand; idempotent, one per community participant. */
export async function setHand(
	ctx: Ctx,
	viewer: Viewer,
	opinionId: string,
	up: boolean,
	now = clock.now()
): Promise<{ hands: number }> {
	const opinion = await requireOpinion(ctx, opinionId);
	const member = await communityService.requireMember(ctx, viewer, opinion.communityId);
	const hands = await ctx.db.transaction(async (tx) => {
		if (up) await opinionsDb.raiseHand(tx, opinionId, member.id, now);
		else await opinionsDb.lowerHand(tx, opinionId, member.id);
		return opinionsDb.handCount(tx, opinionId);
	});
	ctx.realtime.boardChanged(opinion.communityId);
	return { hands };
}

export async function respond(
	ctx: Ctx,
	viewer: Viewer,
	opinionId: string,
	input: unknown,
	now = clock.now()
): Promise<{ id: string }> {
	const user = await requireCan(ctx, viewer, 'community.manage', { opinionId });
	const body = parse(opinionResponseSchema, input);
	const opinion = await requireOpinion(ctx, opinionId);
	const response = await ctx.db.transaction(async (tx) => {
		const created = await opinionsDb.insertResponse(tx, {
			id: newId(),
			opinionId,
			text: body.text,
			authorName: user.username,
			userId: user.id,
			at: now
		});
		await opinionsDb.markResponded(tx, opinionId, now);
		if (opinion.memberId) {
			await notify(
				tx,
				{ audience: 'member', memberId: opinion.memberId, communityId: opinion.communityId },
				{
					...notice('opinion_response', {
						title: opinion.title,
						excerpt: body.text.slice(0, 80)
					}),
					url: opinionUrl(opinion),
					at: now
				}
			);
		}
		return created;
	});
	ctx.realtime.boardChanged(opinion.communityId);
	ctx.log.info({ opinionId, by: user.id }, 'opinion answered');
	return { id: response.id };
}

/**
 * The scheduled job: an opinion that passes its deadline unanswered is reported to staff once
 * (kind `opinion_overdue`); returns the next deadline still ahead.
 */
export function overdueJob(ctx: Ctx): Job {
	return {
		name: 'opinions-overdue',
		async run(now) {
			// One bounded pass; anything left is picked up on the next (soon: it is already due).
			const due = await opinionsDb.overdueUntold(ctx.db, now, 200);
			{
				for (const o of due) {
					await ctx.db.transaction(async (tx) => {
						if (!(await opinionsDb.markOverdueNotified(tx, o.id, now))) return;
						await notifyStaff(tx, o.communityId, {
							...notice('opinion_overdue', { title: o.title, at: shanghaiTime(o.deadline) }),
							url: opinionUrl(o),
							at: now
						});
					});
					ctx.log.warn({ opinionId: o.id, communityId: o.communityId }, 'opinion overdue');
				}
			}
			if (due.length === 200) return new Date(now.getTime() + 1000);
			return opinionsDb.nextDeadline(ctx.db, now);
		}
	};
}
