import type { OutcomeView, ProgressStatus } from '$lib/protocol';

export type ActionResult = { ok: true } | { ok: false; message: string };

async function send(url: string, body: unknown): Promise<ActionResult> {
	try {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body)
		});
		if (response.ok) return { ok: true };
		const error = (await response.json().catch(() => null)) as {
			error?: { code?: string; message?: string };
		} | null;
		return { ok: false, message: error?.error?.message ?? error?.error?.code ?? 'error' };
	} catch {
		return { ok: false, message: 'offline' };
	}
}

/** The moderator's outcome tools (REFERENCE.md §11): settings, phase, outcome, progress. */
export class OutcomeActions {
	outcome = $state.raw<OutcomeView | null>(null);
	readonly sessionId: string;

	constructor(sessionId: string) {
		this.sessionId = sessionId;
	}

	settings(body: {
		streamUrl?: string | null;
		blocQuotas?: Record<string, number>;
		amending?: boolean;
	}) {
		return send(`/api/v1/sessions/${encodeURIComponent(this.sessionId)}/settings`, body);
	}

	phase(itemId: string, phase: 'drafting' | 'amending') {
		return send(`/api/v1/items/${encodeURIComponent(itemId)}/phase`, { phase });
	}

	async load(itemId: string): Promise<void> {
		try {
			const response = await fetch(`/api/v1/items/${encodeURIComponent(itemId)}/outcome`);
			this.outcome = response.ok ? ((await response.json()) as OutcomeView) : null;
		} catch {
			this.outcome = null;
		}
	}

	async setOutcome(itemId: string, body: { text: string; owner?: string; due?: string }) {
		const result = await send(`/api/v1/items/${encodeURIComponent(itemId)}/outcome`, body);
		if (result.ok) await this.load(itemId);
		return result;
	}

	async addProgress(itemId: string, body: { text: string; status: ProgressStatus }) {
		const result = await send(`/api/v1/items/${encodeURIComponent(itemId)}/progress`, body);
		if (result.ok) await this.load(itemId);
		return result;
	}
}
