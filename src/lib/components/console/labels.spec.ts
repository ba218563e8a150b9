import { describe, expect, it } from 'vitest';
import type { RuleCheck } from '$lib/protocol';
import {
	checkDetail,
	errorText,
	formatCheck,
	formatDuration,
	registerProblemText,
	ruleLabel
} from './labels';

const check = (over: Partial<RuleCheck>): RuleCheck => ({
	name: 'participation_area',
	value: 0.7123,
	required: '≥ 2/3',
	ok: true,
	part: 712_300,
	whole: 1_000_000,
	...over
});

describe('console labels (zh-CN, the base locale)', () => {
	it('writes a rule check the way the hall reads it (参与面积 71% ≥ 2/3 ✓)', () => {
		expect(formatCheck(check({}))).toBe('参与面积 71.2% ≥ 2/3 ✓');
		expect(
			formatCheck(check({ name: 'yes_owners', value: 0.74, required: '≥ 3/4', ok: false }))
		).toBe('同意人数 74.0% ≥ 3/4 ✗');
	});

	it('shows the exact inputs: areas from hundredths of m², counts as they are', () => {
		expect(checkDetail(check({}))).toBe('7,123.00 / 10,000.00 m²');
		expect(checkDetail(check({ name: 'participation_owners', part: 130, whole: 192 }))).toBe(
			'130 / 192'
		);
	});

	it('writes majority as counts, not a share: yes against no', () => {
		const majority = check({
			name: 'yes_over_no',
			value: 0.7,
			required: '> 3',
			part: 7,
			whole: 10
		});
		expect(formatCheck(majority)).toBe('同意多于反对 7 > 3 ✓');
		expect(checkDetail(majority)).toBe('同意 7，反对 3');
	});

	it('names each rule with its parameters', () => {
		expect(ruleLabel({ kind: 'civil_code_278', matter: 'major' })).toBe('民法典第278条 · 重大事项');
		expect(
			ruleLabel({ kind: 'threshold', ratio: '2/3', base: 'eligible', quorum: '1/2' })
		).toContain('2/3');
	});

	it('translates the register parser’s problems line by line and keeps unknown ones', () => {
		expect(
			registerProblemText(
				'area "abc" must be a positive number of m² with at most two decimals; D栋 101 already appears on line 2'
			)
		).toBe('面积“abc”必须是大于 0 的数字，最多两位小数；D栋 101 与第 2 行重复');
		expect(registerProblemText('expected 4 columns (building,unit,area,owner), found 2')).toContain(
			'实际 2 列'
		);
		expect(registerProblemText('something new')).toBe('something new');
	});

	it('formats turns and countdowns', () => {
		expect(formatDuration(65)).toBe('1:05');
		expect(formatDuration(3725)).toBe('1:02:05');
		expect(formatDuration(-3)).toBe('0:00');
	});

	it('gives known error codes a sentence and unknown ones their code', () => {
		expect(errorText({ code: 'already_voted', message: '' })).toBe('这一户已经投过票。');
		expect(errorText({ code: 'teapot', message: '' })).toContain('teapot');
	});
});
