/** The phone's calls for proxies (委托投票): appoint, list, revoke (src/lib/protocol/owners.ts). */
import type { ProxyView } from '$lib/protocol/owners';
import { call } from './cloud';

export const listProxies = (sessionId: string) =>
	call<ProxyView[]>('GET', `/sessions/${encodeURIComponent(sessionId)}/proxies`);

export const appointProxy = (sessionId: string, voteId: string | null) =>
	call<ProxyView>('POST', `/sessions/${encodeURIComponent(sessionId)}/proxies`, {
		...(voteId ? { voteId } : {})
	});

export const revokeProxy = (proxyId: string) =>
	call('DELETE', `/proxies/${encodeURIComponent(proxyId)}`);
