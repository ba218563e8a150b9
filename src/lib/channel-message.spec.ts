import { describe, expect, it } from 'vitest';
import {
	clipBytes,
	isChannelKind,
	isWecomWebhook,
	maskWebhook,
	wecomMessage,
	WECOM_MAX_BYTES
} from './channel-message';
import { notice, noticeText } from './notice-text';

const ORIGIN = 'https://yishi.example.cn';
const KEY = '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa';

describe('WeCom group messages', () => {
	it('[WECOM-1] a vote notice is the feed sentence, in the language asked for, with its link', () => {
		const n = notice('vote_notice', { question: '是否同意加装电梯' });
		const zh = wecomMessage({ ...n, url: '/notices/n1', origin: ORIGIN, locale: 'zh-CN' });
		expect(zh.msgtype).toBe('markdown');
		expect(zh.markdown.content).toBe(`**议事提醒**\n${n.text}\n[查看详情](${ORIGIN}/notices/n1)`);
		const en = wecomMessage({ ...n, url: '/notices/n1', origin: ORIGIN, locale: 'en' });
		expect(en.markdown.content).toContain(noticeText(n.kind, n.params, '', 'en'));
		expect(en.markdown.content).toContain(`[Open](${ORIGIN}/notices/n1)`);
		const tw = wecomMessage({ ...n, url: null, origin: ORIGIN, locale: 'zh-TW' });
		expect(tw.markdown.content).toContain(noticeText(n.kind, n.params, '', 'zh-TW'));
		expect(tw.markdown.content).not.toContain('](');
	});

	it("[WECOM-2] residents' words cannot become links, tags or headings in the group", () => {
		const n = notice('vote_opened', {
			question: '[点我](http://evil.example) <font>*x*</font> #1'
		});
		const { content } = wecomMessage({
			...n,
			url: '/s/a',
			origin: ORIGIN,
			locale: 'zh-CN'
		}).markdown;
		expect(content).not.toContain('](http://evil.example)');
		expect(content).not.toContain('<font>');
		expect(content).toContain('［点我］');
		// The only link is ours.
		expect(content.match(/\]\(/g)).toHaveLength(1);
	});

	it('[WECOM-3] content stays within the robot’s 4096 bytes, link kept, no character split', () => {
		const long = '电'.repeat(3000);
		const { content } = wecomMessage({
			kind: 'digest',
			params: { text: long },
			url: '/s/a',
			origin: ORIGIN,
			locale: 'zh-CN'
		}).markdown;
		expect(new TextEncoder().encode(content).length).toBeLessThanOrEqual(WECOM_MAX_BYTES);
		expect(content.endsWith(`(${ORIGIN}/s/a)`)).toBe(true);
		expect(clipBytes('abc', 10)).toBe('abc');
		expect(clipBytes('电电电电', 9)).toBe('电电…');
	});

	it('[WECOM-4] only notices about the whole procedure go to the group', () => {
		for (const kind of ['vote_notice', 'session_notice', 'vote_opened', 'vote_closed'])
			expect(isChannelKind(kind)).toBe(true);
		for (const kind of ['comment_reply', 'vote_reminder', 'opinion_response'])
			expect(isChannelKind(kind)).toBe(false);
	});

	it('[WECOM-5] the webhook must be a WeCom group robot; a local stub only when allowed', () => {
		expect(isWecomWebhook(`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`)).toBe(
			true
		);
		expect(isWecomWebhook(`http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`)).toBe(
			false
		);
		expect(isWecomWebhook(`https://evil.example/cgi-bin/webhook/send?key=${KEY}`)).toBe(false);
		expect(isWecomWebhook('https://qyapi.weixin.qq.com/cgi-bin/webhook/send')).toBe(false);
		expect(isWecomWebhook('not a url')).toBe(false);
		expect(isWecomWebhook(`http://127.0.0.1:4000/hook?key=${KEY}`)).toBe(false);
		expect(isWecomWebhook(`http://127.0.0.1:4000/hook?key=${KEY}`, true)).toBe(true);
		expect(isWecomWebhook(`http://10.0.0.1:4000/hook?key=${KEY}`, true)).toBe(false);
	});

	it('[WECOM-6] the key is shown masked, only its last four characters', () => {
		const masked = maskWebhook(`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`);
		expect(masked).not.toContain(KEY.slice(0, -4));
		expect(masked.endsWith(KEY.slice(-4))).toBe(true);
		expect(masked.startsWith('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=')).toBe(true);
	});
});
