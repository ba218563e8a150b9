import type { BlocShareView } from '$lib/protocol';

export interface SessionExtrasView {
	streamUrl: string | null;
	blocQuotas: Record<string, number>;
	blocShares: BlocShareView[];
	amending: boolean;
	amendingItems: string[];
}

/**
 * What `GET /api/v1/sessions/:id` adds to the room state (REFERENCE.md §11): the stream link,
 * each bloc's share of the floor and which items are in the amending phase. Refreshed when
 * the room state changes (`session:state`).
 */
export class SessionExtras {
	view = $state.raw<SessionExtrasView | null>(null);
	readonly sessionId: string;
	#seq = 0;

	constructor(sessionId: string) {
		this.sessionId = sessionId;
	}

	async refresh(): Promise<void> {
		const seq = ++this.#seq;
		try {
			const response = await fetch(`/api/v1/sessions/${encodeURIComponent(this.sessionId)}`, {
				headers: { accept: 'application/json' }
			});
			if (seq !== this.#seq || !response.ok) return;
			const body = (await response.json()) as Partial<SessionExtrasView>;
			this.view = {
				streamUrl: body.streamUrl ?? null,
				blocQuotas: body.blocQuotas ?? {},
				blocShares: body.blocShares ?? [],
				amending: body.amending ?? false,
				amendingItems: body.amendingItems ?? []
			};
		} catch {
			// Offline: the next state change tries again.
		}
	}

	amendingFor(itemId: string | null): boolean {
		const v = this.view;
		return !!v && (v.amending || (itemId !== null && v.amendingItems.includes(itemId)));
	}
}

/**
 * Used and left per bloc, live: finished turns (`speakingTotals`) plus the running turn.
 */
export function liveShares(
	quotas: Record<string, number>,
	totals: Record<string, number>,
	speaking: { role: string; startedAt: string } | null,
	nowMs: number
): BlocShareView[] {
	const running = speaking
		? Math.max(0, Math.floor((nowMs - Date.parse(speaking.startedAt)) / 1000))
		: 0;
	return Object.entries(quotas).map(([bloc, quota]) => {
		const used = (totals[bloc] ?? 0) + (speaking?.role === bloc ? running : 0);
		return { bloc, quota, used, left: Math.max(0, quota - used), over: used >= quota };
	});
}
