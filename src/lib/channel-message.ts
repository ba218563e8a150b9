/**
 * Messages for a community's WeCom (企业微信) group robot, built from a notification's kind and
 * words by the same table as the feed and Web Push (src/lib/notice-text.ts), in the language
 * asked for. The robot takes `{msgtype:"markdown", markdown:{content}}` with content of at most
 * 4096 bytes; its markdown also knows links and `<font>` tags, so residents' words are made
 * inert before they go in (a question must not turn into a link elsewhere).
 */
import { m } from '$lib/paraglide/messages.js';
import type { Locale } from '$lib/paraglide/runtime.js';
import { noticeText, type NoticeKind } from './notice-text';

/** Notifications worth a message in the residents' group: the owners' procedure and deadlines. */
export const CHANNEL_KINDS = [
	'vote_notice',
	'session_notice',
	'vote_opened',
	'vote_closed',
	'session_closing',
	'session_extended',
	'project_notice',
	'outcome_notice'
] as const satisfies readonly NoticeKind[];

export function isChannelKind(kind: string): boolean {
	return (CHANNEL_KINDS as readonly string[]).includes(kind);
}

/** Kinds of messages that are not notifications. */
export type ChannelOnlyKind = 'digest' | 'channel_test';

export interface WecomMarkdown {
	msgtype: 'markdown';
	markdown: { content: string };
}

/** The robot's limit on markdown content, in UTF-8 bytes. */
export const WECOM_MAX_BYTES = 4096;

const INERT: Record<string, string> = {
	'[': '［',
	']': '］',
	'<': '＜',
	'>': '＞',
	'*': '＊',
	'`': '｀',
	'#': '＃'
};

/** Residents' text with nothing the robot's markdown would act on. */
export function inert(text: string): string {
	return text.replace(/[[\]<>*`#]/g, (c) => INERT[c] ?? c);
}

/** Cuts to at most `max` UTF-8 bytes without splitting a character. */
export function clipBytes(text: string, max = WECOM_MAX_BYTES): string {
	const bytes = new TextEncoder().encode(text);
	if (bytes.length <= max) return text;
	let out = '';
	let used = 0;
	for (const ch of text) {
		const n = new TextEncoder().encode(ch).length;
		if (used + n > max - 3) break;
		out += ch;
		used += n;
	}
	return out + '…';
}

export interface ChannelMessageInput {
	kind: string;
	params: unknown;
	/** A path under `origin` the message links to, or null. */
	url: string | null;
	origin: string;
	locale: Locale;
}

/** The robot's message for a queued row, said in `locale`. */
export function wecomMessage(input: ChannelMessageInput): WecomMarkdown {
	const { kind, params, url, origin, locale } = input;
	const words = (params ?? {}) as Record<string, unknown>;
	let body: string;
	if (kind === 'digest') {
		// The digest is already said in the community's language (services/digest.ts).
		body = inert(String(words.text ?? '')).trimEnd();
	} else if (kind === 'channel_test') {
		body = m.wecom_test({ community: inert(String(words.community ?? '')) }, { locale });
	} else {
		const sentence = inert(noticeText(kind, params, '', locale).replace(/\s+/g, ' '));
		body = `**${m.push_title({}, { locale })}**\n${sentence}`;
	}
	const link = url ? `\n[${m.wecom_open({}, { locale })}](${origin}${url})` : '';
	const content = clipBytes(body, WECOM_MAX_BYTES - new TextEncoder().encode(link).length) + link;
	return { msgtype: 'markdown', markdown: { content } };
}

/**
 * Whether an address is a WeCom group robot's webhook: https on qyapi.weixin.qq.com, path
 * /cgi-bin/webhook/send, a `key`. `allowLocal` (the test clock only) also lets
 * http://127.0.0.1 through, so tests can stand a stub in for WeCom.
 */
export function isWecomWebhook(raw: string, allowLocal = false): boolean {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return false;
	}
	if (url.username || url.password) return false;
	if (allowLocal && url.protocol === 'http:' && url.hostname === '127.0.0.1') return true;
	return (
		url.protocol === 'https:' &&
		url.hostname === 'qyapi.weixin.qq.com' &&
		url.port === '' &&
		url.pathname === '/cgi-bin/webhook/send' &&
		/^[A-Za-z0-9-]{8,64}$/.test(url.searchParams.get('key') ?? '')
	);
}

/** The address with its key hidden but for the last four characters (the key is the secret). */
export function maskWebhook(raw: string): string {
	try {
		const url = new URL(raw);
		const key = url.searchParams.get('key');
		if (key === null) return `${url.origin}${url.pathname}`;
		return `${url.origin}${url.pathname}?key=${'•'.repeat(8)}${key.slice(-4)}`;
	} catch {
		return '•'.repeat(8);
	}
}
