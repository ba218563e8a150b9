/** Which link targets a proposal may show: the plain protocols, or a relative address. */
const ALLOWED_PROTOCOLS = ['http', 'https', 'ftp', 'ftps', 'mailto', 'tel', 'callto', 'sms'];
// eslint-disable-next-line no-control-regex -- the whitespace a URL scheme may hide behind
const URI_WHITESPACE = /[\u0000-\u0020\u00a0\u1680\u180e\u2000-\u2029\u205f\u3000]/g;
const SAFE_URI = new RegExp(
	`^(?:(?:${ALLOWED_PROTOCOLS.join('|')}):|[^a-z]|[a-z0-9+.\\-]+(?:[^a-z+.\\-:]|$))`,
	'i'
);

/** No `javascript:` and the like: a link's target is one of the plain protocols, or relative. */
export function safeHref(href: unknown): href is string {
	return typeof href === 'string' && SAFE_URI.test(href.replace(URI_WHITESPACE, ''));
}
