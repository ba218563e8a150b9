/** Small JSON calls of the cloud pages (extend, close, notifications, push). */
import type { ErrorBody } from '$lib/protocol';

export type CallResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export async function call<T = null>(
	method: 'GET' | 'POST' | 'DELETE',
	path: string,
	json?: unknown
): Promise<CallResult<T>> {
	try {
		const response = await fetch(`/api/v1${path}`, {
			method,
			headers: json === undefined ? {} : { 'content-type': 'application/json' },
			body: json === undefined ? undefined : JSON.stringify(json)
		});
		const text = await response.text();
		const body: unknown = text ? JSON.parse(text) : null;
		if (response.ok) return { ok: true, data: body as T };
		const error = (body as { error?: ErrorBody } | null)?.error;
		return { ok: false, error: error ?? { code: `http_${response.status}`, message: '' } };
	} catch {
		return { ok: false, error: { code: 'network', message: 'offline' } };
	}
}
