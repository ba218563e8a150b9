/**
 * The daily digest of a cloud session: plain text a moderator pastes into the residents' WeChat
 * group — what changed that Shanghai calendar day, what is still open and until when, and the
 * room link. Every sentence is a Paraglide message, said in the language asked for: the
 * reader's on the console, the community's (zh-CN) in its WeCom group (services/channels.ts).
 */
import { formatShanghai, shanghaiDate, shanghaiDayRange, timeLeft } from '$lib/deadlines';
import { m } from '$lib/paraglide/messages.js';
import { baseLocale, type Locale } from '$lib/paraglide/runtime.js';
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

function left(until: Date, now: Date, locale: Locale): string {
	const t = timeLeft(until, now);
	const o = { locale };
	if (!t) return m.digest_expired({}, o);
	if (t.days > 0) return m.digest_left_days({ days: t.days, hours: t.hours }, o);
	if (t.hours > 0) return m.digest_left_hours({ hours: t.hours, minutes: t.minutes }, o);
	return m.digest_left_minutes({ minutes: t.minutes }, o);
}

/** `GET /api/v1/sessions/:id/digest`: staff read it in their own language (default zh-CN). */
export async function digest(
	ctx: Ctx,
	viewer: Viewer,
	sessionId: string,
	date: string | null,
	locale: Locale = baseLocale
): Promise<{ date: string; text: string }> {
	await requireCan(ctx, viewer, 'session.console', { sessionId });
	const day = date ?? shanghaiDate(clock.now());
	const text = await digestText(ctx, sessionId, day, locale);
	return { date: day, text };
}

/** The digest of one session for one Shanghai day, said in `locale` (no access check). */
export async function digestText(
	ctx: Pick<Ctx, 'db' | 'config'>,
	sessionId: string,
	day: string,
	locale: Locale
): Promise<string> {
	const o = { locale };
	const now = clock.now();
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
		m.digest_title(
			{
				title: session.title,
				day: formatShanghai(range.start, locale).split(' ').slice(0, -1).join(' ')
			},
			o
		)
	);
	if (session.status === 'closed') lines.push(m.digest_session_over({}, o));
	else if (session.closesAt)
		lines.push(
			m.digest_closes(
				{
					at: formatShanghai(session.closesAt, locale),
					left: left(session.closesAt, now, locale)
				},
				o
			)
		);

	const changes: string[] = [];
	for (const item of session.items) {
		const n = counts.find((c) => c.itemId === item.id)?.n ?? 0;
		if (n > 0) changes.push(m.digest_comments({ title: item.title, n }, o));
	}
	for (const e of entries) {
		const data = e.data as ClosedData & { to?: string };
		const question = data.question ?? '';
		if (e.type === 'vote_opened') changes.push(m.digest_vote_opened({ question }, o));
		if (e.type === 'vote_closed') {
			const p = data.tally?.participation;
			const turnout = p
				? m.digest_turnout({ headcount: p.headcount ?? 0, eligible: p.eligibleHeadcount ?? 0 }, o)
				: '';
			changes.push(
				data.tally?.result?.passed
					? m.digest_vote_closed_passed({ question, turnout }, o)
					: m.digest_vote_closed_failed({ question, turnout }, o)
			);
		}
		if (e.type === 'session_extended' && data.to)
			changes.push(m.digest_extended({ at: formatShanghai(data.to, locale) }, o));
		if (e.type === 'session_closed') changes.push(m.digest_closed({}, o));
	}
	lines.push(
		'',
		m.digest_changes({}, o),
		...(changes.length ? changes : [m.digest_no_changes({}, o)]).map((c) => `· ${c}`)
	);

	const open = (await votes.listForSession(ctx.db, sessionId)).filter((v) => v.status === 'open');
	lines.push(
		'',
		m.digest_open_votes({}, o),
		...(open.length
			? open.map((v) =>
					v.closesAt
						? m.digest_vote_until(
								{
									question: v.question,
									at: formatShanghai(v.closesAt, locale),
									left: left(v.closesAt, now, locale)
								},
								o
							)
						: m.digest_vote({ question: v.question }, o)
				)
			: [m.digest_none({}, o)]
		).map((line) => `· ${line}`)
	);
	lines.push('', m.digest_join({ link: `${ctx.config.origin}/s/${sessionId}` }, o));
	return lines.join('\n') + '\n';
}
