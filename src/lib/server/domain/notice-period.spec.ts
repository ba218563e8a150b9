import { describe, expect, it } from 'vitest';
import { noticeProblem, openFromOf } from './notice-period';

const at = (iso: string) => new Date(iso);
const published = at('2026-12-01T02:00:00Z');

describe('notice period', () => {
	it('[NOTICE-1] openFrom = publishedAt + the days', () => {
		expect(openFromOf(published, 15).toISOString()).toBe('2026-12-16T02:00:00.000Z');
		expect(openFromOf(published, 0)).toEqual(published);
	});

	it('[NOTICE-2] no period set: art. 278 votes open as before, with or without a notice', () => {
		expect(
			noticeProblem({ ruleKind: 'civil_code_278', noticeDays: 0, notice: null, now: published })
		).toBeNull();
	});

	it('[NOTICE-3] with a period, an art. 278 vote needs a notice and must wait for its end', () => {
		const notice = { publishedAt: published, openFrom: openFromOf(published, 15) };
		expect(
			noticeProblem({ ruleKind: 'civil_code_278', noticeDays: 15, notice: null, now: published })
		).toEqual({ kind: 'no_notice' });
		expect(
			noticeProblem({
				ruleKind: 'civil_code_278',
				noticeDays: 15,
				notice,
				now: at('2026-12-16T01:59:59Z')
			})
		).toEqual({ kind: 'too_early', openFrom: notice.openFrom });
		expect(
			noticeProblem({ ruleKind: 'civil_code_278', noticeDays: 15, notice, now: notice.openFrom })
		).toBeNull();
	});

	it('[NOTICE-4] other rules need no notice', () => {
		expect(
			noticeProblem({ ruleKind: 'majority_cast', noticeDays: 15, notice: null, now: published })
		).toBeNull();
	});

	it('[NOTICE-5] a period lengthened after publishing applies to the notice', () => {
		const notice = { publishedAt: published, openFrom: openFromOf(published, 0) };
		expect(
			noticeProblem({
				ruleKind: 'civil_code_278',
				noticeDays: 15,
				notice,
				now: at('2026-12-10T00:00:00Z')
			})
		).toEqual({ kind: 'too_early', openFrom: openFromOf(published, 15) });
	});
});
