/* eslint-disable @typescript-eslint/ban-ts-comment -- bench tooling: plain ESM run by Node, not type-checked */
// @ts-nocheck
/**
 * A tiny HTTP client with a cookie jar (one phone or one console), speaking REFERENCE.md §2:
 * mutating requests carry `Origin: <ORIGIN>`. Node clients talk to 127.0.0.1 and send the
 * public origin as a header, like tests/integration/harness.ts does.
 */
export class Api {
	/** @param {{origin: string, base: string}} server base = http://127.0.0.1:<port> */
	constructor(server) {
		this.server = server;
		/** @type {Map<string,string>} */
		this.cookies = new Map();
	}

	cookieHeader() {
		return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
	}

	/** @param {string} method @param {string} path @param {unknown} [json] */
	async request(method, path, json) {
		const headers = { accept: 'application/json' };
		if (method !== 'GET') headers.origin = this.server.origin;
		const cookie = this.cookieHeader();
		if (cookie) headers.cookie = cookie;
		let body;
		if (json !== undefined) {
			body = JSON.stringify(json);
			headers['content-type'] = 'application/json';
		}
		let res;
		// A server under load may reset a connection; a phone would retry, so do we (twice).
		for (let attempt = 1; ; attempt++) {
			try {
				res = await fetch(this.server.base + path, { method, headers, body, redirect: 'manual' });
				break;
			} catch (error) {
				if (attempt >= 3) throw new Error(`${method} ${path}: ${error?.cause?.code ?? error?.message ?? error}`);
				await new Promise((r) => setTimeout(r, 200 * attempt));
			}
		}
		for (const c of res.headers.getSetCookie()) {
			const [pair] = c.split(';');
			const eq = pair.indexOf('=');
			if (eq > 0) {
				const name = pair.slice(0, eq).trim();
				const value = pair.slice(eq + 1).trim();
				if (value) this.cookies.set(name, value);
				else this.cookies.delete(name);
			}
		}
		const text = await res.text();
		let data = text;
		if ((res.headers.get('content-type') ?? '').includes('json') && text) data = JSON.parse(text);
		return { status: res.status, data, text };
	}

	/** Throws unless the answer has the expected status. */
	async expect(status, method, path, json) {
		const res = await this.request(method, path, json);
		if (res.status !== status) {
			throw new Error(`${method} ${path}: expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
		}
		return res.data;
	}

	post(path, json, status = 200) {
		return this.expect(status, 'POST', path, json ?? {});
	}
	get(path, status = 200) {
		return this.expect(status, 'GET', path);
	}
}

export const ADMIN_USER = 'bench-admin';
export const ADMIN_PASSWORD = 'bench-admin-password-1';

/** @param {{origin:string, base:string}} server */
export async function admin(server) {
	const api = new Api(server);
	await api.post('/api/v1/login', { username: ADMIN_USER, password: ADMIN_PASSWORD });
	return api;
}

/**
 * A live session with `items` and one unlimited resident invite.
 * @param {Api} adminApi
 * @returns {Promise<{session: any, token: string}>}
 */
export async function sessionWithInvite(adminApi, { title = '基准测试议事会', items = [{ title: '议题一' }], role = 'resident' } = {}) {
	const session = await adminApi.post('/api/v1/sessions', { title, kind: 'live', items }, 201);
	const invite = await adminApi.post(`/api/v1/sessions/${session.id}/invites`, { role }, 201);
	const token = decodeURIComponent(new URL(invite.url).pathname.split('/').pop());
	return { session, token };
}

/** A phone joining by invite; answers its Api (with the participant cookie) and participant. */
export async function join(server, token, name) {
	const api = new Api(server);
	const joined = await api.post(`/api/v1/join/${encodeURIComponent(token)}`, { name });
	return { api, participant: joined.participant, cookie: api.cookieHeader() };
}

/** Creates, opens and answers a yes/no/abstain vote with a live tally on `itemId`. */
export async function openVote(adminApi, itemId, question = '是否同意本方案？') {
	const vote = await adminApi.post(
		`/api/v1/items/${itemId}/votes`,
		{
			question,
			kind: 'yes_no_abstain',
			secret: false,
			tally: 'live',
			eligibility: 'participants',
			rule: { kind: 'majority_cast' }
		},
		201
	);
	await adminApi.post(`/api/v1/votes/${vote.id}/open`);
	return vote.id;
}
