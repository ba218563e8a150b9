import { describe, expect, it } from 'vitest';
import { notice, noticeText } from './notice-text';

describe('notification sentences', () => {
	it('[NOTICE-1] the stored sentence is zh-CN, whatever the current locale', () => {
		const said = notice('vote_closed', { question: '是否同意加装电梯', passed: 'no' });
		expect(said).toEqual({
			kind: 'vote_closed',
			text: '「是否同意加装电梯」表决已结束：未通过',
			params: { question: '是否同意加装电梯', passed: 'no' }
		});
	});
	it('[NOTICE-2] each reader gets it in their language, from the kind and its words', () => {
		const { kind, params, text } = notice('comment_on_passage', {
			who: '王阿姨',
			title: '加装电梯',
			excerpt: '低楼层也用',
			stance: 'concern'
		});
		expect(text).toContain('（担忧）');
		expect(noticeText(kind, params, text, 'zh-TW')).toContain('（擔憂）');
		expect(noticeText(kind, params, text, 'en')).toBe(
			'王阿姨 commented (Concern) on a passage of “加装电梯” you commented on: 低楼层也用'
		);
	});
	it('[NOTICE-3] an unknown kind, or a row without words, keeps its stored sentence', () => {
		expect(noticeText('something_new', { a: 'b' }, '原文', 'en')).toBe('原文');
		expect(noticeText('vote_closed', null, '原文', 'en')).toBe('原文');
	});
});
