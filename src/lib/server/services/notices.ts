/**
 * Notices of owners' votes (公告, 物业管理条例 art. 14): a moderator publishes what owners are
 * asked, the proposal text at that moment, the rule, the window, where and how to vote and
 * how to appoint a proxy. The content is fixed when published and committed to in the
 * transcript by its hash; the community page lists it and a printable A4 page carries a QR.
 */
import { notice as sentence } from '$lib/notice-text';
import type { NoticeContent, NoticeDetail, NoticeView } from '$lib/protocol/owners';
import { noticeCreateSchema } from '$lib/protocol/owners';
import * as clock from '../clock';
import * as noticesDb from '../db/notices';
import * as orgs from '../db/orgs';
import * as sessions from '../db/sessions';
import * as votes from '../db/votes';
import { openFromOf } from '../domain/notice-period';
import { contentHash, type Json } from '../domain/transcript';
import { newId } from '../ids';
import type { SessionUser } from '../auth/session';
import type { Ctx, Viewer } from './context';
import { notFound, parse, ServiceError } from './errors';
import { notify } from './notifications';
import { requireCan } from '../access/check';
import { snapshot } from './proposals';
import { actorOfUser, record } from './transcript';

const HOW_TO_VOTE =
	'扫描户票上的二维码或打开会议链接入座，在手机上投票；也可在截止前向居委会交书面表决票。';
const HOW_TO_PROXY =
	'业主可在手机上“委托投票”生成委托链接交给受托人，或填写签名的书面委托书交居委会登记，经确认后生效；业主本人先投票即收回该表决的委托。';

export const toView = (n: noticesDb.Notice): NoticeView => ({
	id: n.id,
	sessionId: n.sessionId,
	...(n.voteId ? { voteId: n.voteId } : {}),
	title: n.title,
	text: n.text,
	publishedAt: n.publishedAt.toISOString(),
	openFrom: n.openFrom.toISOString()
});

export const toDetail = (n: noticesDb.Notice): NoticeDetail => ({
	...toView(n),
	communityId: n.communityId,
	content: n.content as NoticeContent,
	contentHash: n.contentHash
});

export async function publish(
	ctx: Ctx,
	viewer: Viewer,
	voteId: string,
	input: unknown,
	now = clock.now()
): Promise<{ id: string; publishedAt: string; openFrom: string }> {
	const user = await requireCan(ctx, viewer, 'session.run', { voteId });
	const body = parse(noticeCreateSchema, input ?? {});
	const vote = await votes.findHead(ctx.db, voteId);
	if (!vote) throw notFound('vote_not_found', 'vote');
	if (vote.status === 'closed') throw new ServiceError(409, 'vote_closed', 'this vote is closed');
	const session = (await sessions.find(ctx.db, vote.sessionId))!;
	const community = (await orgs.findCommunity(ctx.db, session.communityId))!;
	const item = session.items.find((i) => i.id === vote.itemId);
	// Read before the transaction: loading a document uses the store (PGlite has one connection).
	const proposal = item ? (await snapshot(ctx, item.docName)).text : '';
	const content: NoticeContent = {
		title: vote.question,
		text: body.text || item?.title || vote.question,
		proposal,
		rule: vote.rule,
		kind: vote.kind,
		options: vote.options,
		eligibility: vote.eligibility,
		secret: vote.secret,
		closesAt: vote.closesAt?.toISOString() ?? null,
		place: body.place || null,
		link: body.link || null,
		room: `${ctx.config.origin}/s/${vote.sessionId}`,
		howToVote: HOW_TO_VOTE,
		howToAppointProxy: HOW_TO_PROXY,
		noticeDays: community.noticeDays
	};
	return persist(ctx, user, {
		communityId: community.id,
		sessionId: vote.sessionId,
		voteId,
		content,
		noticeDays: community.noticeDays,
		sentence: sentence('vote_notice', { question: vote.question }),
		now
	});
}

/**
 * A notice of a whole session (a meeting of owners announced as one): its agenda, each item's
 * proposal at this moment and the votes already planned on it. Every vote of the session that
 * has no notice of its own follows it (`db/notices.ts` thatApplies).
 */
export async function publishForSession(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	input: unknown,
	now = clock.now()
): Promise<{ id: string; publishedAt: string; openFrom: string }> {
	const user = await requireCan(ctx, viewer, 'session.run', { sessionId });
	const body = parse(noticeCreateSchema, input ?? {});
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');
	if (session.status === 'closed')
		throw new ServiceError(409, 'session_closed', 'this session is closed');
	const community = (await orgs.findCommunity(ctx.db, session.communityId))!;
	const planned = await votes.listHeadsForSession(ctx.db, sessionId);
	// Read before the transaction: loading a document uses the store (PGlite has one connection).
	const items: NonNullable<NoticeContent['items']> = [];
	for (const item of session.items) {
		items.push({
			title: item.title,
			proposal: (await snapshot(ctx, item.docName)).text,
			votes: planned
				.filter((v) => v.itemId === item.id && v.status !== 'closed')
				.map((v) => ({ question: v.question, kind: v.kind, rule: v.rule }))
		});
	}
	const content: NoticeContent = {
		title: session.title,
		text: body.text || session.title,
		proposal: '',
		rule: null,
		kind: 'session',
		options: [],
		eligibility: '',
		secret: false,
		closesAt: session.closesAt?.toISOString() ?? null,
		place: body.place || null,
		link: body.link || null,
		room: `${ctx.config.origin}/s/${sessionId}`,
		howToVote: HOW_TO_VOTE,
		howToAppointProxy: HOW_TO_PROXY,
		noticeDays: community.noticeDays,
		items
	};
	return persist(ctx, user, {
		communityId: community.id,
		sessionId,
		voteId: null,
		content,
		noticeDays: community.noticeDays,
		sentence: sentence('session_notice', { title: session.title }),
		now
	});
}

/**
 * Stores a notice with its content hash, commits to it in the session's transcript and tells
 * the community, in one transaction.
 */
async function persist(
	ctx: Ctx,
	user: SessionUser,
	n: {
		communityId: string;
		sessionId: string;
		voteId: string | null;
		content: NoticeContent;
		noticeDays: number;
		sentence: ReturnType<typeof sentence>;
		now: Date;
	}
): Promise<{ id: string; publishedAt: string; openFrom: string }> {
	const { content, now } = n;
	const hash = contentHash(content as unknown as Json);
	const openFrom = openFromOf(now, n.noticeDays);
	const notice = await ctx.db.transaction(async (tx) => {
		const row = await noticesDb.insert(tx, {
			id: newId(),
			communityId: n.communityId,
			sessionId: n.sessionId,
			voteId: n.voteId,
			title: content.title,
			text: content.text,
			content,
			contentHash: hash,
			publishedAt: now,
			openFrom,
			createdBy: user.id
		});
		await record(
			tx,
			n.sessionId,
			'notice_published',
			actorOfUser(user),
			{
				noticeId: row.id,
				voteId: n.voteId,
				title: content.title,
				contentHash: hash,
				publishedAt: now.toISOString(),
				openFrom: openFrom.toISOString()
			},
			now
		);
		await notify(
			tx,
			{ audience: 'community', communityId: n.communityId },
			{ ...n.sentence, url: `/notices/${row.id}`, at: now }
		);
		return row;
	});
	ctx.realtime.transcriptChanged(n.sessionId);
	ctx.log.info(
		{ sessionId: n.sessionId, voteId: n.voteId, noticeId: notice.id },
		'notice published'
	);
	return { id: notice.id, publishedAt: now.toISOString(), openFrom: openFrom.toISOString() };
}

export async function listForCommunity(ctx: Ctx, communityId: string): Promise<NoticeView[]> {
	if (!(await orgs.findCommunity(ctx.db, communityId)))
		throw notFound('community_not_found', 'community');
	return (await noticesDb.listForCommunity(ctx.db, communityId)).map(toView);
}

export async function get(ctx: Ctx, noticeId: string): Promise<NoticeDetail> {
	const notice = await noticesDb.findById(ctx.db, noticeId);
	if (!notice) throw notFound('notice_not_found', 'notice');
	return toDetail(notice);
}
