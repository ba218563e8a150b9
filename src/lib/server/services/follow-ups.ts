/**
 * Following a decision through (REFERENCE.md §11, "One follow-up for projects and outcomes"):
 * a 举手 project and a decided agenda item share one path — progress updates with photos, a
 * status (未开始 / 进行中 / 已完成 / 已搁置), a public notice (公示) and one rating per community
 * participant while the notice runs. The callers (projects.ts, outcomes.ts) check who may act
 * and say what the subject is; everything after that happens here, once.
 */
import { notice, type NoticeKind } from '$lib/notice-text';
import { noticeSchema, ratingSchema, type FollowUpView, type ProgressStatus } from '$lib/protocol';
import * as clock from '../clock';
import type { Db } from '../db/client';
import * as followUpsDb from '../db/follow-ups';
import { averageRating, noticeState, noticeWindow, shanghaiTime } from '../domain/opinions';
import { newId } from '../ids';
import * as communityService from './community';
import type { Ctx, Viewer } from './context';
import { parse, ServiceError } from './errors';
import { notify } from './notifications';
import * as photos from './photos';

export interface Subject {
	kind: followUpsDb.SubjectKind;
	id: string;
	communityId: string;
	title: string;
	/** The public page that follows it (where notifications point). */
	url: string;
}

/** The notifications each kind of subject sends: residents read "project" and "decision" apart. */
const KINDS = {
	project: { update: 'project_milestone', notice: 'project_notice' },
	item: { update: 'outcome_progress', notice: 'outcome_notice' }
} as const satisfies Record<followUpsDb.SubjectKind, { update: NoticeKind; notice: NoticeKind }>;

const ensure = (db: Db, s: Subject) =>
	followUpsDb.ensure(db, {
		id: newId(),
		subjectKind: s.kind,
		subjectId: s.id,
		communityId: s.communityId
	});

/**
 * A progress update in the caller's transaction; with a status, the follow-up takes it. The
 * community hears of it (one notification).
 */
export async function addUpdate(
	tx: Db,
	subject: Subject,
	author: string,
	update: { text: string; status?: ProgressStatus; photoId?: string | null },
	now: Date
): Promise<string> {
	const followUp = await ensure(tx, subject);
	const id = newId();
	await followUpsDb.insertUpdate(tx, {
		id,
		followUpId: followUp.id,
		text: update.text,
		status: update.status ?? null,
		photoId: update.photoId ?? null,
		authorName: author,
		at: now
	});
	if (update.status) await followUpsDb.setStatus(tx, followUp.id, update.status);
	await notify(
		tx,
		{ audience: 'community', communityId: subject.communityId },
		{
			...notice(KINDS[subject.kind].update, {
				title: subject.title,
				excerpt: update.text.slice(0, 80)
			}),
			url: subject.url,
			at: now
		}
	);
	return id;
}

/** Opens the public notice for `{days}`; ratings are taken until it ends. */
export async function openNotice(ctx: Ctx, subject: Subject, input: unknown, now = clock.now()) {
	const { days } = parse(noticeSchema, input);
	const { startsAt, endsAt } = noticeWindow(now, days);
	await ctx.db.transaction(async (tx) => {
		const followUp = await ensure(tx, subject);
		await followUpsDb.setNotice(tx, followUp.id, startsAt, endsAt);
		await notify(
			tx,
			{ audience: 'community', communityId: subject.communityId },
			{
				...notice(KINDS[subject.kind].notice, {
					title: subject.title,
					at: shanghaiTime(endsAt)
				}),
				url: subject.url,
				at: now
			}
		);
	});
	ctx.log.info({ kind: subject.kind, id: subject.id, days }, 'public notice opened');
	return { startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString(), open: true };
}

/** One rating per community participant, only while the notice runs. */
export async function rate(
	ctx: Ctx,
	viewer: Viewer,
	subject: Subject,
	input: unknown,
	now = clock.now()
): Promise<{ stars: number }> {
	const member = await communityService.requireMember(ctx, viewer, subject.communityId);
	const body = parse(ratingSchema, input);
	const followUp = await followUpsDb.find(ctx.db, subject.kind, subject.id);
	const state = followUp ? noticeState(followUp, now) : 'none';
	if (state === 'none')
		throw new ServiceError(409, 'notice_not_open', 'the public notice has not started');
	if (state === 'closed') throw new ServiceError(409, 'notice_closed', 'the public notice is over');
	const inserted = await followUpsDb.insertRating(ctx.db, {
		followUpId: followUp!.id,
		memberId: member.id,
		stars: body.stars,
		comment: body.comment || null,
		at: now
	});
	if (!inserted) throw new ServiceError(409, 'already_rated', 'you already rated this');
	return { stars: body.stars };
}

export interface UpdateRow {
	id: string;
	text: string;
	status?: ProgressStatus;
	photoUrl?: string;
	author: string;
	at: string;
}

/** The follow-up as the public (and the asking member, for `myRating`) sees it. */
export async function view(
	ctx: Ctx,
	viewer: Viewer,
	subject: Pick<Subject, 'kind' | 'id' | 'communityId'>,
	now = clock.now()
): Promise<FollowUpView & { updates: UpdateRow[] }> {
	const followUp = await followUpsDb.find(ctx.db, subject.kind, subject.id);
	const [updates, ratings, member] = followUp
		? await Promise.all([
				followUpsDb.updatesOf(ctx.db, followUp.id),
				followUpsDb.ratingsOf(ctx.db, followUp.id),
				communityService.findMember(ctx, viewer, subject.communityId)
			])
		: [[], [], null];
	const out: FollowUpView & { updates: UpdateRow[] } = {
		status: followUp?.status ?? 'not_started',
		updates: updates.map((u) => ({
			id: u.id,
			text: u.text,
			...(u.status ? { status: u.status } : {}),
			...(u.photoId ? { photoUrl: photos.photoUrl(u.photoId) } : {}),
			author: u.authorName,
			at: u.at.toISOString()
		})),
		rating: averageRating(ratings.map((r) => r.stars)),
		ratings: ratings.map((r) => ({
			stars: r.stars,
			comment: r.comment,
			author: r.author,
			at: r.at.toISOString()
		}))
	};
	if (followUp?.noticeStartsAt && followUp.noticeEndsAt) {
		out.notice = {
			startsAt: followUp.noticeStartsAt.toISOString(),
			endsAt: followUp.noticeEndsAt.toISOString(),
			open: noticeState(followUp, now) === 'open'
		};
	}
	const mine = member && ratings.find((r) => r.memberId === member.id);
	if (mine) out.myRating = mine.stars;
	return out;
}

/** A community's public notices (projects and decisions), the ones still running first. */
export async function noticesOf(ctx: Ctx, communityId: string, now = clock.now()) {
	const rows = await followUpsDb.noticesOf(ctx.db, communityId);
	return rows
		.map((r) => ({
			kind: r.subjectKind,
			subjectId: r.subjectId,
			title: r.title,
			endsAt: r.endsAt!.toISOString(),
			open: r.endsAt!.getTime() > now.getTime()
		}))
		.sort((a, b) => Number(b.open) - Number(a.open));
}
