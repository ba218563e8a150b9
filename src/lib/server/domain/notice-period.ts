/**
 * The notice period of an owners' vote. 物业管理条例 art. 14: the owners' meeting is notified
 * to all owners at least 15 days before it is held. A community sets the period for its
 * art. 278 votes (0: none required); a vote may then open only once the period after its
 * latest notice has run — or earlier, with a reason given publicly.
 */
const DAY_MS = 86_400_000;

export const openFromOf = (publishedAt: Date, noticeDays: number) =>
	new Date(publishedAt.getTime() + noticeDays * DAY_MS);

export type NoticeProblem = { kind: 'no_notice' } | { kind: 'too_early'; openFrom: Date };

/**
 * Why the vote may not open now, or null. The period that applies is the longer of the one
 * in force when the notice was published (its `openFrom`) and the one in force now.
 */
export function noticeProblem(input: {
	ruleKind: string;
	noticeDays: number;
	notice: { publishedAt: Date; openFrom: Date } | null;
	now: Date;
}): NoticeProblem | null {
	if (input.ruleKind !== 'civil_code_278') return null;
	if (!input.notice) return input.noticeDays > 0 ? { kind: 'no_notice' } : null;
	const now = openFromOf(input.notice.publishedAt, input.noticeDays);
	const openFrom = now > input.notice.openFrom ? now : input.notice.openFrom;
	return input.now.getTime() < openFrom.getTime() ? { kind: 'too_early', openFrom } : null;
}
