/**
 * Notification sentences in the reader's language. A notification is stored with its `kind`
 * and the words it needs (`params`: titles, names, Beijing times already formatted); its
 * `text` is the zh-CN sentence, kept for readers that know no locale (Web Push, the street's
 * webhook, rows written before params existed). The feed renders the sentence again in the
 * reader's locale from kind + params.
 */
import { m } from '$lib/paraglide/messages.js';
import type { Locale } from '$lib/paraglide/runtime.js';

type Options = { locale?: Locale };

export interface NoticeParams {
	comment_reply: { who: string; title: string; excerpt: string };
	comment_on_passage: { who: string; title: string; excerpt: string; stance: string };
	session_closing: { title: string; at: string };
	session_closed: { title: string };
	session_extended: { title: string; at: string };
	escalation_submitted: { community: string; title: string; at: string };
	escalation_due_soon: { title: string; at: string };
	escalation_overdue: { title: string; at: string };
	escalation_answered: { title: string };
	vote_notice: { question: string };
	session_notice: { title: string };
	vote_opened: { question: string; at?: string };
	vote_closed: { question: string; passed: 'yes' | 'no' };
	vote_reminder: { question: string };
	opinion_created: { who: string; title: string; at: string };
	opinion_response: { title: string; excerpt: string };
	opinion_overdue: { title: string; at: string };
	/** With `hands` and `at`: the community's notice (how many backed it, open until when). */
	project_created: { title: string; hands?: string; at?: string };
	project_milestone: { title: string; excerpt: string };
	project_notice: { title: string; at: string };
	outcome_progress: { title: string; excerpt: string };
	outcome_notice: { title: string; at: string };
}
export type NoticeKind = keyof NoticeParams;

const STANCES: Record<string, (inputs: object, o: Options) => string> = {
	support: (i, o) => m.comments_stance_support(i, o),
	oppose: (i, o) => m.comments_stance_oppose(i, o),
	concern: (i, o) => m.comments_stance_concern(i, o),
	question: (i, o) => m.comments_stance_question(i, o)
};

const TEXTS: { [K in NoticeKind]: (p: NoticeParams[K], o: Options) => string } = {
	comment_reply: (p, o) => m.notice_comment_reply(p, o),
	comment_on_passage: (p, o) =>
		m.notice_comment_on_passage({ ...p, stance: STANCES[p.stance]?.({}, o) ?? p.stance }, o),
	session_closing: (p, o) => m.notice_session_closing(p, o),
	session_closed: (p, o) => m.notice_session_closed(p, o),
	session_extended: (p, o) => m.notice_session_extended(p, o),
	escalation_submitted: (p, o) => m.notice_escalation_submitted(p, o),
	escalation_due_soon: (p, o) => m.notice_escalation_due_soon(p, o),
	escalation_overdue: (p, o) => m.notice_escalation_overdue(p, o),
	escalation_answered: (p, o) => m.notice_escalation_answered(p, o),
	vote_notice: (p, o) => m.notice_vote_notice(p, o),
	session_notice: (p, o) => m.notice_session_notice(p, o),
	vote_opened: (p, o) =>
		p.at
			? m.notice_vote_opened_until({ question: p.question, at: p.at }, o)
			: m.notice_vote_opened({ question: p.question }, o),
	vote_closed: (p, o) =>
		p.passed === 'yes'
			? m.notice_vote_closed_passed({ question: p.question }, o)
			: m.notice_vote_closed_failed({ question: p.question }, o),
	vote_reminder: (p, o) => m.notice_vote_reminder(p, o),
	opinion_created: (p, o) => m.notice_opinion_created(p, o),
	opinion_response: (p, o) => m.notice_opinion_response(p, o),
	opinion_overdue: (p, o) => m.notice_opinion_overdue(p, o),
	project_created: (p, o) =>
		p.hands !== undefined && p.at !== undefined
			? m.notice_project_opened({ title: p.title, hands: p.hands, at: p.at }, o)
			: m.notice_project_created({ title: p.title }, o),
	project_milestone: (p, o) => m.notice_project_milestone(p, o),
	project_notice: (p, o) => m.notice_project_notice(p, o),
	outcome_progress: (p, o) => m.notice_outcome_progress(p, o),
	outcome_notice: (p, o) => m.notice_outcome_notice(p, o)
};

/** A notification's kind, its words, and its sentence in zh-CN (the stored `text`). */
export function notice<K extends NoticeKind>(
	kind: K,
	params: NoticeParams[K]
): { kind: K; text: string; params: NoticeParams[K] } {
	return { kind, text: TEXTS[kind](params, { locale: 'zh-CN' }), params };
}

/** The sentence in `locale` (default: the current one), or `fallback` for an unknown kind. */
export function noticeText(
	kind: string,
	params: unknown,
	fallback: string,
	locale?: Locale
): string {
	if (!(kind in TEXTS) || params === null || typeof params !== 'object') return fallback;
	try {
		const render = TEXTS[kind as NoticeKind] as (p: unknown, o: Options) => string;
		return render(params, locale ? { locale } : {});
	} catch {
		return fallback;
	}
}
