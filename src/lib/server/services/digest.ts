/**
 * The daily digest of a cloud session: plain text a moderator pastes into the residents' WeChat
 * group — what changed that Shanghai calendar day, what is still open and until when, and the
 * room link. Written in the deployment's language (zh-CN), like the notifications.
 */
import { formatShanghai, shanghaiDate, shanghaiDayRange, timeLeft } from '$lib/deadlines';
import * as clock from '../clock';
import * as commentsDb from '../db/comments';
import * as sessions from '../db/sessions';
import * as transcript from '../db/transcript';
import * as votes from '../db/votes';
import type { Ctx, Viewer } from './context';
import { notFound, ServiceError } from './errors';
import { requireCan } from '../access/check';

interface ClosedData {
	question?: string;
	tally?: {
		result?: { passed?: boolean };
		participation?: { headcount?: number; eligibleHeadcount?: number };
	};
}

function left(until: Date, now: Date): string {
	const t = timeLeft(until, now);
	if (!t) return '已到期';
	if (t.days > 0) return `还剩 ${t.days} 天 ${t.hours} 小时`;
	if (t.hours > 0) return `还剩 ${t.hours} 小时 ${t.minutes} 分`;
	return `还剩 ${t.minutes} 分钟`;
}

export async function digest(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	date: string | null
): Promise<{ date: string; text: string }> {
	await requireCan(ctx, viewer, 'session.console', { sessionId });
	const now = clock.now();
	const day = date ?? shanghaiDate(now);
	const range = shanghaiDayRange(day);
	if (!range) throw new ServiceError(400, 'invalid_date', 'date: YYYY-MM-DD (Asia/Shanghai)');
	const session = await sessions.find(ctx.db, sessionId);
	if (!session) throw notFound('session_not_found', 'session');

	const counts = await commentsDb.countsPerItem(ctx.db, sessionId, range);
	const entries = (await transcript.list(ctx.db, sessionId)).filter((e) => {
		const at = Date.parse(e.at);
		return at >= range.start.getTime() && at < range.end.getTime();
	});

	const lines: string[] = [];
	lines.push(
		`【议事日报】${session.title} · ${formatShanghai(range.start).split(' ').slice(0, 2).join(' ')}`
	);
	if (session.status === 'closed') lines.push('本次议事已结束，结果可在议事室查看。');
	else if (session.closesAt)
		lines.push(`议事截止：${formatShanghai(session.closesAt)}（${left(session.closesAt, now)}）`);

	const changes: string[] = [];
	for (const item of session.items) {
		const n = counts.find((c) => c.itemId === item.id)?.n ?? 0;
		if (n > 0) changes.push(`「${item.title}」新增评论 ${n} 条`);
	}
	for (const e of entries) {
		const data = e.data as ClosedData & { to?: string };
		if (e.type === 'vote_opened') changes.push(`表决「${data.question}」开始`);
		if (e.type === 'vote_closed') {
			const p = data.tally?.participation;
			const turnout = p ? `，投票 ${p.headcount}/${p.eligibleHeadcount} 人` : '';
			changes.push(
				`表决「${data.question}」结束：${data.tally?.result?.passed ? '通过' : '未通过'}${turnout}`
			);
		}
		if (e.type === 'session_extended' && data.to)
			changes.push(`议事延长至 ${formatShanghai(data.to)}`);
		if (e.type === 'session_closed') changes.push('议事结束');
	}
	lines.push(
		'',
		'今日动态：',
		...(changes.length ? changes.map((c) => `· ${c}`) : ['· 今日无新动态'])
	);

	const open = (await votes.listForSession(ctx.db, sessionId)).filter((v) => v.status === 'open');
	lines.push(
		'',
		'正在表决：',
		...(open.length
			? open.map(
					(v) =>
						`· 「${v.question}」${v.closesAt ? `${formatShanghai(v.closesAt)}截止（${left(v.closesAt, now)}）` : ''}`
				)
			: ['· 暂无'])
	);
	lines.push('', `参与议事：${ctx.config.origin}/s/${sessionId}`);
	return { date: day, text: lines.join('\n') + '\n' };
}
